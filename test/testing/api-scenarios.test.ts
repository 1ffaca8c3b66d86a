// runScenarios, runScenarioFiles and testScenarios (src/lib/testing/api/scenarios.ts): the
// reference SDK's `__tests__/*.test.js` API on our runner. Scenario objects mean what they
// mean in a `.test.json` file, the report is `owncast-plugin test`'s, and failures set
// process.exitCode (1, or 2 for setup errors) without exiting.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { createCaptureStream } from '../../src/lib/context.js';
import { runScenarioFiles, runScenarios, testScenarios, TestSetupError, type RunScenariosOptions, type ScenarioInput } from '../../src/testing.js';
import { removeTemps, tempDir, writeFiles, writeProject } from './helpers.js';

const HELLO = fileURLToPath(new URL('../../examples/message-counter', import.meta.url));
const chat = (user: string, body: string) => ({
  event: 'chat.message.received',
  payload: { id: '1', user: { id: `u-${user}`, displayName: user }, body, timestamp: '2024-01-01T00:00:00Z' },
});
const WELCOME = (name: string) => `Welcome, ${name}! That's your first message here.`;

afterAll(removeTemps);
afterEach(() => {
  process.exitCode = undefined;
});

/** runScenarios with its output captured and process.exitCode left alone unless asked. */
async function capture(scenarios: ScenarioInput[], opts: RunScenariosOptions = {}) {
  const stdout = createCaptureStream();
  const stderr = createCaptureStream();
  const ok = await runScenarios(scenarios, { cwd: HELLO, exitCode: false, ...opts, stdout, stderr });
  return { ok, out: stdout.text(), err: stderr.text() };
}

describe('runScenarios', () => {
  it('runs scenario objects against the project, prints the pretty report under the calling file and resolves true', async () => {
    const run = await capture([
      { name: 'welcomes a first message', events: [chat('ann', 'hi')], expect: { chatSends: [WELCOME('ann')], kv: { 'count:u-ann': '1' } } },
      { name: 'counts a second one quietly', given: { kv: { 'count:u-ann': '1' } }, events: [chat('ann', 'again')], expect: { chatSends: [] } },
    ]);
    expect(run.ok).toBe(true);
    expect(run.out).toMatch(/^test\/testing\/api-scenarios\.test\.ts\n {2}✔ welcomes a first message {2}[\d.]+ m?s {2}[\d.]+ MB\n {2}✔ counts a second one quietly/);
    expect(run.out.endsWith('\n2 passed, 0 failed\n')).toBe(true);
    expect(run.err).toBe('');
    expect(process.exitCode).toBeUndefined();
  });

  it('a failing scenario: the diff names the key and its pointer in the array passed; exitCode 1, never cleared', async () => {
    const scenarios = [
      { name: 'passes', events: [chat('ann', 'hi')], expect: { chatSends: [WELCOME('ann')] } },
      { name: 'fails', events: [chat('bo', 'hi')], expect: { chatSends: ['Welcome, bob!'], kv: { 'count:u-bo': '1' } } },
    ];
    const run = await capture(scenarios, { exitCode: true, name: 'plugin.test.js' });
    expect(run.ok).toBe(false);
    expect(run.out).toContain(`      chatSends: [0] expected "Welcome, bob!", got "${WELCOME('bo')}"  (at /1/expect/chatSends/0)\n`);
    expect(run.out).toContain(`      -   "Welcome, bob!"\n      +   "${WELCOME('bo')}"\n`);
    expect(run.out).toMatch(/^plugin\.test\.js\n/);
    expect(run.out.endsWith('\n1 passed, 1 failed\n')).toBe(true);
    expect(process.exitCode).toBe(1);
    // a later success does not clear an earlier failure (the reference's rule)
    expect((await capture([scenarios[0]!], { exitCode: true })).ok).toBe(true);
    expect(process.exitCode).toBe(1);
  });

  it('setup errors: invalid scenarios are reported with their pointers, exitCode 2, and nothing runs', async () => {
    const bad = await capture([{ name: 'x', events: [{ http: {} }, { event: 'a', filter: 'b' }] } as never], { exitCode: true });
    expect(bad.ok).toBe(false);
    expect(bad.out).toBe('');
    expect(bad.err).toContain('2 errors in the scenarios');
    expect(bad.err).toContain('(at /0/events/0/http)');
    expect(bad.err).toContain('step must set exactly one of');
    expect(process.exitCode).toBe(2);

    process.exitCode = undefined;
    expect((await capture([])).err).toContain('runScenarios: no scenarios provided');
    const noProject = await capture([{ name: 'x' }], { cwd: await tempDir('ocp-api-empty-') });
    expect(noProject.err).toMatch(/plugin\.manifest\.json not found in /);
    expect(process.exitCode).toBeUndefined();
  });

  it('unknown keys are warnings (as in files); --filter, --bail and the other reporters work as in the CLI', async () => {
    const scenarios: ScenarioInput[] = [
      { name: 'one', events: [chat('ann', 'hi')], expect: { chatSends: ['nope'] } },
      { name: 'two', events: [chat('bo', 'hi')], expect: { chatSends: [WELCOME('bo')] }, extra: true } as never,
      { name: 'three', events: [chat('cy', 'hi')], expect: { chatSends: [WELCOME('cy')] } },
    ];
    const tap = await capture(scenarios, { reporter: 'tap', filter: '/^t/', name: 's.js' });
    expect(tap.ok).toBe(true);
    expect(tap.out).toMatch(/^TAP version 14\n1\.\.2\nok 1 - s\.js :: two\nok 2 - s\.js :: three\n/);
    expect(tap.err).toContain('unknown key "extra" in a scenario');
    const bail = await capture(scenarios, { reporter: 'json', bail: true });
    expect(bail.ok).toBe(false);
    expect(JSON.parse(bail.out)).toMatchObject({ ok: false, passed: 0, failed: 1, bailed: true, scenarios: [{ name: 'one', failures: [{ key: 'chatSends', pointer: '/0/expect/chatSends/0' }] }] });
    expect(bail.err).toContain('0 passed, 1 failed');
  });

  it('calls made in one go run one after another, in call order', async () => {
    const order: string[] = [];
    const stdout = createCaptureStream();
    const runs = ['a', 'b', 'c'].map((name) =>
      runScenarios([{ name, events: [chat(name, 'hi')], expect: { chatSends: [WELCOME(name)] } }], {
        cwd: HELLO,
        exitCode: false,
        stdout,
        stderr: stdout,
        onScenario: (r) => order.push(r.name),
      }),
    );
    expect(await Promise.all(runs)).toEqual([true, true, true]);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(stdout.text().match(/\d passed, \d failed/g)).toEqual(['1 passed, 0 failed', '1 passed, 0 failed', '1 passed, 0 failed']);
  });
});

describe('testScenarios', () => {
  it('returns the run as data and prints nothing; setup problems reject with a TestSetupError', async () => {
    const run = await testScenarios([{ name: 'n', events: [chat('ann', 'hi')], expect: { chatSends: ['/^Welcome, ann/', 'more'] } }], { cwd: HELLO });
    expect(run).toMatchObject({ ok: false, passed: 0, failed: 1 });
    expect(run.scenarios[0]!.failures).toEqual([
      expect.objectContaining({ key: 'chatSends', pointer: '/0/expect/chatSends', message: expect.stringContaining('expected 2') }),
    ]);
    const err = await testScenarios([{ name: 'n', given: { kv: { a: 1 } } } as never], { cwd: HELLO }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TestSetupError);
    expect((err as TestSetupError).diagnostics.map((d) => d.pointer)).toEqual(['/0/given/kv/a']);
  });

  it('scenario `plugins` are relative to the project, as in files', async () => {
    const run = await testScenarios(
      [
        {
          name: 'relayed',
          plugins: ['../announcer'],
          events: [{ event: 'chat.message.received', payload: { id: 'm1', body: '/announce doors open', user: { id: 'u1', displayName: 'ada', scopes: ['MODERATOR'] }, timestamp: '2024-01-01T00:00:00Z' } }],
          expect: { emits: [{ eventType: 'announcer.announcement.broadcast' }], plugins: { announcer: { chatSystems: ['/doors open/'] } } },
        },
      ],
      { cwd: join(HELLO, '..', 'relay') },
    );
    expect(run.scenarios[0]!.failures).toEqual([]);
  });
});

describe('runScenarioFiles', () => {
  it('loads every __tests__/*.test.{js,mjs,cjs} in name order against that project and waits for all of them', async () => {
    const dir = await writeProject(await tempDir('ocp-api-files-'), {
      manifest: { name: 'Hi', slug: 'hi', permissions: ['chat.send'] },
      source: `import {definePlugin, owncast} from '@owncast/plugin-sdk'
definePlugin({ onChatMessage(m) { if (/^hi\\b/i.test(m.body)) owncast.chat.send('hello, ' + m.user.displayName + '!') } })`,
    });
    const api = JSON.stringify(fileURLToPath(new URL('../../src/testing.ts', import.meta.url)));
    const scenario = (name: string, body: string, sends: string[]) => JSON.stringify([{ name, events: [chat('alice', body)], expect: { chatSends: sends } }]);
    await writeFiles(dir, {
      '__tests__/b.test.mjs': `import {runScenarios} from ${api}\nrunScenarios(${scenario('b greets', 'hi there', ['hello, alice!'])}, {exitCode: false, reporter: 'none', onScenario: (r) => globalThis.__order.push(r.name + ' ' + r.status)})\n`,
      '__tests__/a.test.mjs': `import {runScenarios} from ${api}\nglobalThis.__order = []\nrunScenarios(${scenario('a fails', 'morning', ['hello, alice!'])}, {reporter: 'none', onScenario: (r) => globalThis.__order.push(r.name + ' ' + r.status)})\n`,
      '__tests__/notes.md': 'not a test',
    });
    const stderr = createCaptureStream();
    expect(await runScenarioFiles({ cwd: dir, stderr })).toBe(false);
    expect((globalThis as { __order?: string[] }).__order).toEqual(['a fails failed', 'b greets passed']);
    expect(process.exitCode).toBe(1);

    process.exitCode = undefined;
    const empty = await tempDir('ocp-api-files-');
    expect(await runScenarioFiles({ cwd: empty, stderr })).toBe(false);
    expect(stderr.text()).toContain(`no __tests__ directory in ${empty}`);
    expect(process.exitCode).toBe(2);
  });
});
