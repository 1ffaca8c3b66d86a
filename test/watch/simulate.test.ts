// watch --simulate, non-interactive: the stream plays on while an edit is built and swapped
// into the simulation; the stream shows the reload, then the new code on the next messages,
// with the KV the old code stored.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, expect, it } from 'vitest';

import { createCaptureStream, createContext } from '../../src/lib/context.js';
import type { SimEvent } from '../../src/lib/simulate/events.js';
import { parseScript } from '../../src/lib/simulate/validate.js';
import type { WatchEvent } from '../../src/lib/watch/events.js';
import { startWatch, type WatchRun } from '../../src/lib/watch/run.js';
import { LABEL_FILE, labelSource, until, writeProject } from './project.js';

/** A chat line every half second of script time, for five minutes. */
const SCRIPT = parseScript(
  JSON.stringify({
    name: 'chatter',
    users: [{ id: 'u-ann', displayName: 'ann', role: 'viewer' }],
    events: Array.from({ length: 600 }, (_, i) => ({ at: `${i * 500}ms`, type: 'chat', user: 'u-ann', body: `line ${i}` })),
  }),
  'chatter.json',
);

let run: WatchRun | null = null;
let dir: string | null = null;
afterEach(async () => {
  await run?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  run = null;
  dir = null;
});

it('--json: the simulator events and the watch outcomes, one per line; the reload, then the new code', async () => {
  dir = await writeProject();
  const stdout = createCaptureStream();
  const events: WatchEvent[] = [];
  const ctx = createContext({ cwd: dir, stdout, stderr: createCaptureStream(), color: false, logLevel: 'info' });
  run = await startWatch(ctx, { dir: '.', json: true, typecheck: false, simulate: { script: SCRIPT, mode: 'json', speed: 10 }, onEvent: (e) => events.push(e) });
  const lines = () => stdout.text().trim().split('\n').map((l) => JSON.parse(l) as { type: string; event?: SimEvent; to?: string; ok?: boolean });
  // the plugin's answers: its chat lines in the stream
  const shown = () => lines().flatMap((l) => (l.type === 'simulate' && l.event?.type === 'chat' ? [l.event.text] : []));

  await until(() => shown().length >= 2, 20_000, 'the stream');
  expect(shown()[0]).toMatch(/^v1#1: line 0$/);
  expect(lines()).toContainEqual(expect.objectContaining({ type: 'simulating', plugins: ['labeller'] }));

  await writeFile(join(dir, LABEL_FILE), labelSource('v2'));
  await until(() => shown().some((s) => s.startsWith('v2#')), 20_000, 'the new code in the stream');
  const all = lines();
  const reloadAt = all.findIndex((l) => l.type === 'simulate' && l.event?.type === 'reload');
  expect(all[reloadAt]!.event).toMatchObject({ type: 'reload', slug: 'labeller', ok: true });
  expect(all).toContainEqual(expect.objectContaining({ type: 'reload', to: 'simulate', slug: 'labeller', ok: true }));
  // before the reload no answer was v2, after it none is v1; the count, in KV, goes on from where it was
  const labelled = (from: number, to: number, v: string) =>
    all.slice(from, to).flatMap((l) => (l.event?.type === 'chat' && l.event.text.startsWith(`${v}#`) ? [Number(/#(\d+):/.exec(l.event.text)![1])] : []));
  expect(labelled(0, reloadAt, 'v1').length).toBeGreaterThan(0);
  expect(labelled(0, reloadAt, 'v2')).toEqual([]);
  expect(labelled(reloadAt, all.length, 'v1')).toEqual([]);
  expect(labelled(reloadAt, all.length, 'v2')[0]).toBeGreaterThan(Math.max(...labelled(0, reloadAt, 'v1')));
}, 60_000);

it('plain text: the stream on stdout with the reload line; the watch status on stderr', async () => {
  dir = await writeProject();
  const stdout = createCaptureStream();
  const stderr = createCaptureStream();
  const ctx = createContext({ cwd: dir, stdout, stderr, color: false, logLevel: 'info' });
  run = await startWatch(ctx, { dir: '.', typecheck: false, simulate: { script: SCRIPT, mode: 'plain', speed: 10 } });
  await until(() => stdout.text().includes('v1#2: line 1'), 20_000, 'the stream');
  expect(stdout.text()).toContain('Simulating "chatter"');

  await writeFile(join(dir, LABEL_FILE), labelSource('v2'));
  await until(() => /v2#\d+: line \d+/.test(stdout.text()), 20_000, 'the new code in the stream');
  const text = stdout.text();
  expect(text.indexOf('[reloaded labeller]')).toBeGreaterThan(0);
  expect(text.indexOf('[reloaded labeller]')).toBeLessThan(text.search(/v2#\d+/));
  expect(stderr.text()).toMatch(/built labeller in (\d+ ms|\d+\.\d s)/);
  expect(stderr.text()).toMatch(/reloaded in the simulator in (\d+ ms|\d+\.\d s)/);
}, 60_000);

it('a project that has never built: the simulator waits for the first good build, then starts with it', async () => {
  dir = await writeProject();
  await writeFile(join(dir, LABEL_FILE), 'export function label( {\n');
  const stdout = createCaptureStream();
  const events: WatchEvent[] = [];
  const ctx = createContext({ cwd: dir, stdout, stderr: createCaptureStream(), color: false, logLevel: 'info' });
  run = await startWatch(ctx, { dir: '.', typecheck: false, simulate: { script: SCRIPT, mode: 'plain', speed: 10 }, onEvent: (e) => events.push(e) });
  expect(events).toContainEqual({ type: 'waiting', what: 'the simulator starts after the first good build' });
  expect(run.simulator?.simulation).toBeNull();

  await writeFile(join(dir, LABEL_FILE), labelSource('v1'));
  await until(() => stdout.text().includes('v1#1: line 0'), 20_000, 'the stream');
  expect(events).toContainEqual({ type: 'simulating', plugins: ['labeller'] });
}, 60_000);
