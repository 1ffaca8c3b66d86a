// watch --test: the scenarios run after the first build and after each good build; a change to
// a scenario file runs them again without building.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { createCaptureStream, createContext } from '../../src/lib/context.js';
import type { WatchEvent } from '../../src/lib/watch/events.js';
import { startWatch, type WatchRun } from '../../src/lib/watch/run.js';
import { LABEL_FILE, labelSource, scenarioFile, until, writeProject } from './project.js';

let dir: string;
let run: WatchRun;
const events: WatchEvent[] = [];
const stderr = createCaptureStream();

beforeAll(async () => {
  dir = await writeProject({ tests: true });
  const ctx = createContext({ cwd: dir, stdout: createCaptureStream(), stderr, color: false, logLevel: 'info' });
  run = await startWatch(ctx, { dir: '.', test: {}, typecheck: false, onEvent: (e) => events.push(e) });
}, 60_000);

afterAll(async () => {
  await run?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

type TestEvent = Extract<WatchEvent, { type: 'test'; ok: true }>;
const tests = () => events.filter((e): e is TestEvent => e.type === 'test' && e.ok);
const builds = () => events.filter((e) => e.type === 'build');

it('reruns the scenarios after each good build, and on a scenario change without a build', async () => {
  // the first build's run: the scenario expects v1 and the code says v1
  expect(tests()).toHaveLength(1);
  expect(tests()[0]!.result).toMatchObject({ ok: true, passed: 1, failed: 0 });
  expect(stderr.text()).toContain('1 passed, 0 failed');

  await writeFile(join(dir, LABEL_FILE), labelSource('v2'));
  await until(() => tests().length === 2, 30_000, 'the run after the build');
  expect(tests()[1]!.result).toMatchObject({ ok: false, passed: 0, failed: 1 });
  expect(tests()[1]!.result.scenarios[0]!.failures[0]!.message).toContain('v2#1: hi');
  expect(stderr.text()).toContain('0 passed, 1 failed');
  expect(builds()).toHaveLength(2);

  await writeFile(join(dir, '__tests__', 'label.test.json'), scenarioFile('v2'));
  await until(() => tests().length === 3, 30_000, 'the run after the scenario change');
  expect(tests()[2]).toMatchObject({ changed: ['__tests__/label.test.json'], result: { ok: true, passed: 1 } });
  // the code did not change: no build
  expect(builds()).toHaveLength(2);
  expect(events.filter((e) => e.type === 'building')).toHaveLength(2);
  // the watch is the only builder: the runs never built the project themselves
  expect(tests().flatMap((t) => t.result.builds)).toEqual([]);
}, 90_000);
