// serve --watch: edit a project's source and the running server swaps in the new build; a
// broken edit keeps the old code answering; the other plugin and stored KV are untouched.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { createContext } from '../../src/lib/context.js';
import { startDevServer, type DevServer } from '../../src/lib/devserver/server.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
let cwd: string;
let server: DevServer;
const reloads: Record<string, unknown>[] = [];

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'ocp-watch-'));
  for (const name of ['echo-bot', 'profanity-filter']) {
    await cp(join(EXAMPLES, name), join(cwd, name), { recursive: true, filter: (src) => !/[/\\](dist|node_modules|\.owncast-dev)$/.test(src) });
  }
  const sink = { write: () => undefined, isTTY: false };
  const ctx = createContext({ cwd, stdout: sink, stderr: sink, color: false, logLevel: 'silent' });
  server = await startDevServer(ctx, { paths: ['echo-bot', 'profanity-filter'], port: 0, watch: true, watchDebounceMs: 100 });
  const origPublish = server.feed.publish.bind(server.feed);
  server.feed.publish = (e) => {
    if (e.type === 'reload') reloads.push(e);
    return origPublish(e);
  };
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

const say = async (body: string) => {
  const res = await fetch(`${server.url}/_dev/chat`, { method: 'POST', body: JSON.stringify({ user: 'ada', body }) });
  return (await res.json()) as { message: { body: string } };
};
const lastBotLine = async () => {
  const log = (await (await fetch(`${server.url}/_dev/chat`)).json()) as { messages: { body: string; user?: { displayName?: string } }[] };
  return log.messages.filter((m) => m.user?.displayName === 'Echo Bot').at(-1)?.body;
};
async function until(what: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('rebuilds and reloads an edited project; a broken edit keeps the old code; the other plugin keeps working', async () => {
  await say('!echo one');
  expect(await lastBotLine()).toBe('ada said: one');

  const file = join(cwd, 'echo-bot', 'src', 'plugin.ts');
  const original = await readFile(file, 'utf8');
  await writeFile(file, original.replace('`${who} said: ${text}`', '`${who} SAID: ${text}`'));
  await until(() => reloads.some((r) => r.slug === 'echo-bot' && r.ok === true));
  await say('!echo two');
  expect(await lastBotLine()).toBe('ada SAID: two');

  reloads.length = 0;
  await writeFile(file, `${original}\nthis is not typescript (`);
  await until(() => reloads.some((r) => r.slug === 'echo-bot'));
  expect(reloads[0]).toMatchObject({ slug: 'echo-bot', ok: false });
  await say('!echo three');
  expect(await lastBotLine()).toBe('ada SAID: three');
  // the filter was never reloaded and still works
  expect((await say('darn')).message.body).toBe('****');
}, 90_000);
