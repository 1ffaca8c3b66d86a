// A small plugin project written into a temp directory for the watch tests: it counts in KV
// and answers with a label from a second module, so an edit to either file shows in the next
// answer, and the count shows that KV outlived the reload. It answers chat (a bot line) and an
// HTTP route (GET /plugins/labeller/label?text=...), not a chat filter: a filter's 50 ms budget
// is one a machine busy with other test runs can overrun, and then the message passes unlabelled.
import { mkdir, mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LABEL_FILE = join('src', 'label.ts');

export function labelSource(label: string): string {
  return `export function label(n: number): string {\n  return \`${label}#\${n}: \`\n}\n`;
}

export const PLUGIN_SOURCE = `import {definePlugin, owncast} from '@owncast/plugin-sdk'
import {label} from './label'

function next(): number {
  const n = Number(owncast.kv.get('count') ?? '0') + 1
  owncast.kv.set('count', String(n))
  return n
}

definePlugin({
  onChatMessage(msg) {
    if (msg.user?.isBot) return
    owncast.chat.send(label(next()) + msg.body)
  },
  onHttpRequest(req) {
    if (req.path !== '/label') return {status: 404, body: 'no'}
    return {status: 200, headers: {'Content-Type': 'text/plain'}, body: label(next()) + (req.query.text ?? '')}
  },
})
`;

export const MANIFEST = {
  api: '1',
  name: 'Labeller',
  slug: 'labeller',
  version: '0.1.0',
  description: 'Answers chat and an HTTP route with a label and a count.',
  bot: { displayName: 'Labeller' },
  permissions: ['chat.send', 'http.serve', 'storage.kv'],
};

/** A scenario that expects the label `label` on the answer to the first message. */
export function scenarioFile(label: string): string {
  return JSON.stringify({
    scenarios: [
      {
        name: `labels with ${label}`,
        events: [{ event: 'chat.message.received', payload: { id: 'm1', user: { id: 'u-ann', displayName: 'ann' }, body: 'hi', timestamp: '2026-11-29T18:00:00Z' } }],
        expect: { chatSends: [`${label}#1: hi`] },
      },
    ],
  });
}

/** GET the plugin's route on a dev server: the label, the count and `text`. */
export async function ask(url: string, text: string): Promise<string> {
  const res = await fetch(`${url}/plugins/labeller/label?text=${encodeURIComponent(text)}`);
  return res.text();
}

/** Writes the project into a fresh temp directory (labelled "v1") and returns that directory. */
export async function writeProject(opts: { tests?: boolean } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ocp-watch-test-'));
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(join(dir, 'plugin.manifest.json'), `${JSON.stringify(MANIFEST, null, 2)}\n`);
  await writeFile(join(dir, 'src', 'plugin.ts'), PLUGIN_SOURCE);
  await writeFile(join(dir, LABEL_FILE), labelSource('v1'));
  if (opts.tests) {
    await mkdir(join(dir, '__tests__'));
    await writeFile(join(dir, '__tests__', 'label.test.json'), scenarioFile('v1'));
  }
  return dir;
}

/** An editor's atomic save: the new text goes to a temp file beside the original, renamed over it. */
export async function atomicSave(file: string, text: string): Promise<void> {
  const temp = `${file}.tmp-${process.pid}-${Date.now()}`;
  await writeFile(temp, text);
  await rename(temp, file);
}

export async function until(what: () => boolean | Promise<boolean>, ms = 20_000, label = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
