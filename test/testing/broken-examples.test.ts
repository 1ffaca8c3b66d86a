// Issue 5, done when: deliberately broken copies of examples fail `owncast-plugin test` with a
// diff that points at the right key. Each example is copied (without dist/, so the copy is
// built from the broken source) and broken in one targeted way; the compiled CLI (bin/run.js;
// `npm test` builds first) must exit 1, name the expect key and its JSON pointer in the
// scenario file, and show expected against actual, while the scenarios the break does not
// touch still pass. The intact examples pass (the first test), so the failures are the break's.

import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ROOT, runCli } from '../cli/helpers.js';
import { removeTemps, tempDir } from './helpers.js';

const EXAMPLES = join(ROOT, 'examples');
let root: string;

/** Copies an example's project (not its build output) into a folder of the temp root. */
async function copyExample(name: string, folder = 'broken'): Promise<string> {
  const dest = join(root, folder, name);
  await cp(join(EXAMPLES, name), dest, { recursive: true, filter: (src) => !/[\\/](dist|node_modules)$/.test(src) });
  return dest;
}

/** Replaces exactly one occurrence of `from` in a file of the copy (so a changed example fails loudly here, not silently). */
async function breakFile(dir: string, file: string, from: string, to: string): Promise<void> {
  const path = join(dir, file);
  const text = await readFile(path, 'utf8');
  expect(text.split(from), `${file} must contain ${JSON.stringify(from)} once`).toHaveLength(2);
  await writeFile(path, text.replace(from, to));
}

/** The failures the pretty report lists: "key (at pointer)" for each. */
const failureLines = (stdout: string) => [...stdout.matchAll(/^ {6}(\S[^\n]*?): [^\n]*\(at (\/[^\n)]*)\)$/gm)].map((m) => `${m[1]} ${m[2]}`);

beforeAll(async () => {
  root = await tempDir('ocp-broken-');
});
afterAll(removeTemps);

describe('broken copies of examples fail with a diff at the right key', () => {
  it('the intact copies pass', async () => {
    const dirs = await Promise.all(['commands-bot', 'message-counter', 'profanity-filter'].map((name) => copyExample(name, 'intact')));
    const run = await runCli(['test', ...dirs, '--reporter', 'tap'], { cwd: root });
    expect(run.stdout).not.toMatch(/^not ok/m);
    expect(run.code).toBe(0);
  });

  it('commands-bot: a reply text changed → chatSends, at the first greeting', async () => {
    const dir = await copyExample('commands-bot');
    await breakFile(dir, 'src/plugin.ts', 'ctx.reply(`Hello, ', 'ctx.reply(`Hi, ');
    const run = await runCli(['test', 'commands-bot'], { cwd: join(root, 'broken') });
    expect(run.code).toBe(1);
    expect(failureLines(run.stdout)).toEqual(['chatSends /0/expect/chatSends/0']);
    expect(run.stdout).toContain('  ✖ !hello and its aliases, in any case');
    expect(run.stdout).toContain('      chatSends: [0] expected "Hello, ann!", got "Hi, ann!"  (at /0/expect/chatSends/0)\n');
    expect(run.stdout).toContain('      -   "Hello, ann!",\n      -   "Hello, ann!",\n      -   "Hello, bo!"\n      +   "Hi, ann!",\n      +   "Hi, ann!",\n      +   "Hi, bo!"\n');
    expect(run.stdout.endsWith('\n7 passed, 1 failed\n')).toBe(true);
  });

  it('message-counter: the total written wrong → kv, at "total" in each scenario that counts', async () => {
    const dir = await copyExample('message-counter');
    await breakFile(dir, 'src/plugin.ts', 'bump(TOTAL_KEY)', 'owncast.kv.set(TOTAL_KEY, 1)');
    const run = await runCli(['test', 'message-counter'], { cwd: join(root, 'broken') });
    expect(run.code).toBe(1);
    expect(failureLines(run.stdout)).toEqual(['kv /1/expect/kv/total', 'kv /2/expect/kv/total']);
    expect(run.stdout).toContain('      kv: "total": expected "3", got "1"  (at /1/expect/kv/total)\n');
    // the diff shows the listed keys, the right ones unchanged and the wrong one both ways
    expect(run.stdout).toContain('        {\n          "count:u-ann": "2",\n          "count:u-bo": "1",\n      -   "total": "3"\n      +   "total": "1"\n        }\n');
    expect(run.stdout.endsWith('\n4 passed, 2 failed\n')).toBe(true);
  });

  it('profanity-filter: the modification dropped → the filter step’s payload, at /body', async () => {
    const dir = await copyExample('profanity-filter');
    await breakFile(dir, 'src/plugin.ts', 'filter.modify({...msg, body: masked})', 'filter.pass()');
    const run = await runCli(['test', 'profanity-filter'], { cwd: join(root, 'broken') });
    expect(run.code).toBe(1);
    expect(failureLines(run.stdout)).toEqual(['step 1 (filter) /scenarios/0/events/0/expect/payload/body']);
    expect(run.stdout).toContain(
      '      step 1 (filter): payload mismatch at /body: expected "well ****, what the ****", got "well darn, what the Heck"  (at /scenarios/0/events/0/expect/payload/body)\n',
    );
    expect(run.stdout).toContain('      -   "body": "well ****, what the ****"\n');
    expect(run.stdout).toContain('      +   "body": "well darn, what the Heck",\n');
    expect(run.stdout.endsWith('\n2 passed, 1 failed\n')).toBe(true);
  });
});
