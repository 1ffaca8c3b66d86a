// A small plugin project written into a temp directory for the watch tests: a chat filter that
// counts messages in KV and prefixes each one with a label from a second module, so an edit to
// either file shows in the next message, and the count shows that KV outlived the reload.
import { mkdir, mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LABEL_FILE = join('src', 'label.ts');

export function labelSource(label: string): string {
  return `export function label(n: number): string {\n  return \`${label}#\${n}: \`\n}\n`;
}

export const PLUGIN_SOURCE = `import {definePlugin, filter, owncast} from '@owncast/plugin-sdk'
import {label} from './label'

definePlugin({
  filterChatMessage(msg) {
    const n = Number(owncast.kv.get('count') ?? '0') + 1
    owncast.kv.set('count', String(n))
    return filter.modify({...msg, body: label(n) + msg.body})
  },
})
`;

export const MANIFEST = {
  api: '1',
  name: 'Labeller',
  slug: 'labeller',
  version: '0.1.0',
  description: 'Prefixes chat messages with a label and a count.',
  permissions: ['chat.filter', 'storage.kv'],
};

/** A scenario that expects the label `label` on the first message. */
export function scenarioFile(label: string): string {
  return JSON.stringify({
    scenarios: [
      {
        name: `labels with ${label}`,
        events: [
          {
            filter: 'chat.message.received',
            payload: { id: 'm1', user: { id: 'u-ann', displayName: 'ann' }, body: 'hi', timestamp: '2026-11-29T18:00:00Z' },
            expect: { action: 'modify', payload: { body: `${label}#1: hi` } },
          },
        ],
      },
    ],
  });
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
