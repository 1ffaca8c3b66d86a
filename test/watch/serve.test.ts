// watch --serve in process: the dev server answers the plugin's route with the code of the last good
// build; an edit is one build, swapped into the server with its KV kept; a broken edit leaves
// the old code answering and the error (file:line, code frame) on stderr; the fix recovers.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { createCaptureStream, createContext } from '../../src/lib/context.js';
import type { WatchEvent } from '../../src/lib/watch/events.js';
import { startWatch, type WatchRun } from '../../src/lib/watch/run.js';
import { ask, LABEL_FILE, labelSource, until, writeProject } from './project.js';

let dir: string;
let run: WatchRun;
const events: WatchEvent[] = [];
const feed: Record<string, unknown>[] = [];
const stdout = createCaptureStream();
const stderr = createCaptureStream();

beforeAll(async () => {
  dir = await writeProject();
  const ctx = createContext({ cwd: dir, stdout, stderr, color: false, logLevel: 'info' });
  run = await startWatch(ctx, { dir: '.', serve: { port: 0 }, json: true, onEvent: (e) => events.push(e) });
  const publish = run.server!.feed.publish.bind(run.server!.feed);
  run.server!.feed.publish = (e) => {
    feed.push(e);
    return publish(e);
  };
}, 60_000);

afterAll(async () => {
  await run?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const say = (text: string): Promise<string> => ask(run.server!.url, text);
const reloads = () => events.filter((e) => e.type === 'reload');

it('reloads each good build into the running dev server, keeping KV; a broken edit keeps the old code; the fix recovers', async () => {
  expect(await say('hello')).toBe('v1#1: hello');
  expect(await say('again')).toBe('v1#2: again');

  await writeFile(join(dir, LABEL_FILE), labelSource('v2'));
  await until(() => reloads().length === 1, 20_000, 'the reload');
  expect(reloads()[0]).toMatchObject({ to: 'serve', slug: 'labeller', ok: true, sinceChangeMs: expect.any(Number) });
  // the new code, reading the count the old code stored
  expect(await say('edited')).toBe('v2#3: edited');
  const kv = (await (await fetch(`${run.server!.url}/_dev/plugins/labeller/kv`)).json()) as unknown;
  expect(JSON.stringify(kv)).toContain('"3"');

  // one build per save: the server never built on its own (its builds would be feed events too)
  expect(feed.filter((e) => e.type === 'build')).toHaveLength(1);
  expect(events.filter((e) => e.type === 'build')).toHaveLength(2);

  await writeFile(join(dir, LABEL_FILE), `${labelSource('v3')}\nconst oops = ;\n`);
  await until(() => events.filter((e) => e.type === 'build').length === 3, 20_000, 'the failed build');
  expect(events.filter((e) => e.type === 'build').at(-1)).toMatchObject({ ok: false, problems: 1 });
  expect(await say('still')).toBe('v2#4: still');
  expect(reloads()).toHaveLength(1);
  // the error with its location and code frame, above the status line
  expect(stderr.text()).toMatch(/src[/\\]label\.ts:5:\d+: /);
  expect(stderr.text()).toContain('> 5 | const oops = ;');
  expect(stderr.text()).toMatch(/error: 1 problem \(the last good build keeps running\)/);

  await writeFile(join(dir, LABEL_FILE), labelSource('v4'));
  await until(() => reloads().length === 2, 20_000, 'the recovery');
  expect(await say('fixed')).toBe('v4#5: fixed');
  expect(stderr.text()).toMatch(/built labeller in (\d+ ms|\d+\.\d s) \(fixed\)/);

  // --json: one object per outcome on stdout
  const all = stdout.text().trim().split('\n').map((l) => JSON.parse(l) as { type: string; ok?: boolean; to?: string; problems?: number });
  // the background type checker reports when it is done, beside the builds (next test)
  expect(all.filter((l) => l.type === 'typecheck').every((l) => l.problems === 0)).toBe(true);
  const lines = all.filter((l) => l.type !== 'typecheck');
  expect(lines.map((l) => [l.type, l.ok ?? null])).toEqual([
    ['build', true],
    ['serving', null],
    ['build', true],
    ['reload', true],
    ['build', false],
    ['build', true],
    ['reload', true],
  ]);
  const failure = lines[4] as unknown as { error: { code: string; diagnostics: { file: string; line: number }[] } };
  expect(failure.error.code).toBe('BUILD_FAILED');
  expect(failure.error.diagnostics[0]!.line).toBe(5);
  expect(await readFile(join(dir, 'dist', 'plugin.js'), 'utf8')).toContain('v4#');
}, 90_000);

it('a type error is shown without holding back the reload of a build that bundled', async () => {
  const checks = () => events.filter((e): e is Extract<WatchEvent, { type: 'typecheck' }> => e.type === 'typecheck');
  await until(() => checks().length > 0 && events.at(-1)?.type !== 'building', 20_000, 'the earlier checks');
  const before = { reloads: reloads().length, checks: checks().length };
  await writeFile(join(dir, LABEL_FILE), `${labelSource('v5')}export const count: number = 'not a number'\n`);
  await until(() => reloads().length === before.reloads + 1, 20_000, 'the reload');
  expect(await say('typed')).toBe('v5#6: typed');
  await until(() => checks().slice(before.checks).some((c) => c.problems > 0), 30_000, 'the type error');
  const found = checks().slice(before.checks).find((c) => c.problems > 0)!;
  expect(found.diagnostics[0]).toMatchObject({ file: expect.stringMatching(/src[/\\]label\.ts$/), line: 4 });
  expect(found.diagnostics[0]!.text).toMatch(/not assignable to type 'number'/);
  expect(stderr.text()).toMatch(/type errors \(1\); the build still runs/);
  expect(stderr.text()).toMatch(/src[/\\]label\.ts:4:\d+: .*not assignable/);
}, 60_000);

it('a project that has never built starts served as failed, and its first good build loads it', async () => {
  const fresh = await writeProject();
  await writeFile(join(fresh, LABEL_FILE), 'export function label( {\n');
  const seen: WatchEvent[] = [];
  const ctx = createContext({ cwd: fresh, stdout: createCaptureStream(), stderr: createCaptureStream(), color: false, logLevel: 'silent' });
  const broken = await startWatch(ctx, { dir: '.', serve: { port: 0 }, typecheck: false, onEvent: (e) => seen.push(e) });
  try {
    const server = broken.server!;
    expect(seen.find((e) => e.type === 'build')).toMatchObject({ ok: false });
    expect(server.plugins.list()).toEqual([expect.objectContaining({ status: 'failed', reason: expect.stringContaining('No built plugin') })]);

    await writeFile(join(fresh, LABEL_FILE), labelSource('v1'));
    await until(() => seen.some((e) => e.type === 'reload'), 20_000, 'the first load');
    expect(seen.find((e) => e.type === 'reload')).toMatchObject({ to: 'serve', slug: 'labeller', ok: true });
    expect(server.plugins.list()).toEqual([expect.objectContaining({ slug: 'labeller', status: 'running' })]);
    expect(await ask(server.url, 'at last')).toBe('v1#1: at last');
  } finally {
    await broken.close();
    await rm(fresh, { recursive: true, force: true });
  }
}, 60_000);
