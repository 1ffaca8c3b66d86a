// Each step type on a real plugin (built from TypeScript, run by our engine in a real host):
// what it delivers, and for filter and http steps their inline checks, passing and failing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { chat, doStep, failureLines, kitchenProject, removeTemps, runScenarios } from './helpers.js';

let project: string;
beforeAll(async () => {
  project = await kitchenProject();
});
afterAll(removeTemps);

/** Runs one scenario; its failure lines. */
async function run(scenario: Record<string, unknown>): Promise<string[]> {
  const result = await runScenarios(project, [{ name: 'case', ...scenario }]);
  return failureLines(result);
}

describe('event steps', () => {
  it('notify subscribers without running the filter chain (the reference’s Notify)', async () => {
    // "spam" would be dropped by the plugin's filter; an event step skips filters
    expect(await run({ events: [{ event: 'chat.message.received', payload: chat('hi spam') }], expect: { chatSends: ['hello, alice!'] } })).toEqual([]);
  });

  it('an unqualified custom name reaches the plugin’s own hook; a qualified one too', async () => {
    expect(
      await run({
        events: [
          { event: 'ping', payload: { n: 1 } },
          { event: 'kitchen.ping', payload: { n: 2 } },
        ],
        expect: { chatSends: ['pong {"n":1}', 'pong {"n":2}'] },
      }),
    ).toEqual([]);
  });

  it('a handler that throws is a strike, not a step failure', async () => {
    expect(await run({ events: [doStep('throw'), doStep('throw')], expect: { strikes: 2, disabled: false } })).toEqual([]);
  });
});

describe('filter steps', () => {
  it('pass, modify and drop hold', async () => {
    expect(
      await run({
        events: [
          { filter: 'chat.message.received', payload: chat('fine'), expect: { action: 'pass' } },
          { filter: 'chat.message.received', payload: chat('darn it'), expect: { action: 'modify', payload: { body: '**** it' } } },
          { filter: 'chat.message.received', payload: chat('fine'), expect: { action: 'modify' } },
          { filter: 'chat.message.received', payload: chat('buy spam'), expect: { action: 'drop', reason: 'spam is not welcome here' } },
          { filter: 'chat.message.received', payload: chat('buy spam'), expect: { action: 'drop', reason: '/not welcome/' } },
          // notifications do not run: nobody was greeted
          { filter: 'chat.message.received', payload: chat('hi'), expect: { action: 'pass' } },
        ],
        expect: { chatSends: [] },
      }),
    ).toEqual([]);
  });

  it('fail with the reference’s words', async () => {
    expect(
      await run({
        events: [
          { filter: 'chat.message.received', payload: chat('buy spam'), expect: { action: 'pass' } },
          { filter: 'chat.message.received', payload: chat('darn'), expect: { action: 'pass' } },
          { filter: 'chat.message.received', payload: chat('fine'), expect: { action: 'drop' } },
          { filter: 'chat.message.received', payload: chat('buy spam'), expect: { action: 'drop', reason: 'spam' } },
          { filter: 'chat.message.received', payload: chat('buy spam'), expect: { action: 'drop', reason: '/^spam$/' } },
          { filter: 'chat.message.received', payload: chat('darn'), expect: { action: 'modify', payload: { body: 'darn' } } },
          { filter: 'chat.message.received', payload: chat('buy spam'), expect: { action: 'modify' } },
        ],
      }),
    ).toEqual([
      'step 1 (filter): expected pass, got drop (reason="spam is not welcome here")',
      'step 2 (filter): expected pass with payload unchanged, got {"id":"m1","body":"****","user":{"id":"u-alice","displayName":"alice"},"timestamp":"2026-01-01T00:00:00Z"} (/body: expected "darn", got "****")',
      'step 3 (filter): expected drop, got pass',
      'step 4 (filter): drop reason: expected "spam", got "spam is not welcome here"',
      'step 5 (filter): drop reason: "spam is not welcome here" does not match /^spam$/',
      'step 6 (filter): payload mismatch at /body: expected "darn", got "****"',
      'step 7 (filter): expected modify, got drop (reason="spam is not welcome here")',
    ]);
  });

  it('a filter that throws fails open (pass) and counts a strike', async () => {
    expect(await run({ events: [{ filter: 'chat.message.received', payload: chat('boom'), expect: { action: 'pass' } }], expect: { strikes: 1 } })).toEqual([]);
  });
});

describe('http steps (through the real plugin HTTP server)', () => {
  it('status, headers and body, with method, body, query and headers reaching the plugin', async () => {
    expect(
      await run({
        events: [
          {
            http: {
              method: 'post',
              path: 'api/echo?x=1',
              headers: { 'X-Extra': 'yes' },
              body: 'payload',
              expect: { status: 200, headers: { 'cache-control': 'no-store', 'Content-Type': 'application/json' }, body: '/"body":"payload"/' },
            },
          },
          { http: { path: '/api/echo?x=1', expect: { body: '{"method":"GET","body":"","authenticated":false,"user":null,"query":{"x":"1"}}' } } },
          { http: { path: '/index.html', expect: { status: 200, body: '<h1>kitchen</h1>' } } },
          { http: { path: '/nowhere', expect: { status: 404, body: 'not found' } } },
        ],
      }),
    ).toEqual([]);
  });

  it('the admin gate: 401 without credentials; authenticated or a user gets in, and the plugin sees them', async () => {
    const user = { id: 'u-ada', displayName: 'ada', isAuthenticated: true };
    expect(
      await run({
        events: [
          { http: { path: '/admin/secret', expect: { status: 401, headers: { 'WWW-Authenticate': '/Basic/' } } } },
          { http: { path: '/admin/secret', authenticated: true, expect: { status: 200, body: 'secret' } } },
          { http: { path: '/admin/secret', user, expect: { status: 200 } } },
          { http: { path: '/api/echo', authenticated: true, expect: { body: '/"authenticated":true/' } } },
          { http: { path: '/api/echo', user, expect: { body: '/"user":\\{"id":"u-ada","displayName":"ada","isAuthenticated":true\\}/' } } },
        ],
      }),
    ).toEqual([]);
  });

  it('a missing header reads as "" (Header.Get); each mismatch is its own failure', async () => {
    expect(await run({ events: [{ http: { path: '/api/echo', expect: { headers: { 'X-Absent': '' } } } }] })).toEqual([]);
    expect(
      await run({ events: [{ http: { path: '/api/echo', expect: { status: 201, headers: { 'Cache-Control': 'max-age=1' }, body: 'nope' } } }] }),
    ).toEqual([
      'step 1 (http): http status: want 201 got 200 (body="{\\"method\\":\\"GET\\",\\"body\\":\\"\\",\\"authenticated\\":false,\\"user\\":null,\\"query\\":{}}")',
      'step 1 (http): header Cache-Control: expected "max-age=1", got "no-store"',
      'step 1 (http): http body: expected "nope", got "{\\"method\\":\\"GET\\",\\"body\\":\\"\\",\\"authenticated\\":false,\\"user\\":null,\\"query\\":{}}"',
    ]);
  });

  it('an event stream: what arrives first, then the step hangs up (and the plugin hears the disconnect)', async () => {
    expect(
      await run({
        events: [{ http: { path: '/_sse/overlay', expect: { status: 200, headers: { 'Content-Type': 'text/event-stream' }, body: '/^: connected\\n\\nevent: hello\\ndata: welcome\\n\\n/' } } }],
        expect: { sse: [{ channel: 'overlay', event: 'hello', data: 'welcome' }], logs: ['disconnected overlay'] },
      }),
    ).toEqual([]);
  });
});

describe('command steps', () => {
  it('a chat line through filters, notifications and the command matcher, with cooldowns on the fake clock', async () => {
    expect(
      await run({
        events: [
          { command: '!roll 3' },
          { command: '!roll 4', user: 'bob' },
          // bob's cooldown (5 s) has not passed
          { command: '!roll 5', user: 'bob' },
          { advance: '5s' },
          { command: '!roll 6', user: 'bob' },
          // the filter drops it before any command runs
          { command: '!roll spam' },
          // onChatMessage sees it too (a chat message like any other)
          { command: 'hi there', user: { id: 'u-cy', displayName: 'cy' } },
          // the host answers !help (a system message from the host, not the plugin)
          { command: '!help' },
        ],
        expect: { chatSends: ['viewer rolled 3', 'bob rolled 4', 'bob rolled 6', 'hello, cy!'], chatSystems: [] },
      }),
    ).toEqual([]);
  });
});

describe('advance steps', () => {
  it('timers fire when the clock reaches them, not before', async () => {
    expect(await run({ events: [doStep('timer', { ms: 1000 }), { advance: 999 }], expect: { chatSends: [] } })).toEqual([]);
    expect(await run({ events: [doStep('timer', { ms: 1000 }), { advance: 1000 }], expect: { chatSends: ['timer fired'] } })).toEqual([]);
  });

  it('intervals fire once per period, and tick once per second', async () => {
    expect(
      await run({
        events: [doStep('interval', { ms: 1000 }), { advance: '3.5s' }],
        expect: { chatSends: ['interval', 'interval', 'interval'], kv: { ticks: '3' } },
      }),
    ).toEqual([]);
  });
});

describe('emit steps', () => {
  it('deliver a custom hook from outside, addressed as written (the host stays strict)', async () => {
    expect(await run({ events: [{ emit: 'kitchen.ping', payload: 'x' }, { emit: 'ping', payload: 'y' }], expect: { chatSends: ['pong "x"'] } })).toEqual([]);
  });
});

describe('load failures', () => {
  it('a plugin that cannot load fails its scenario ("load plugin: …"), not the run', async () => {
    const result = await runScenarios(project, [{ name: 'bad seed', given: { sql: ['NOT SQL AT ALL'] } }, { name: 'fine' }]);
    expect(result.scenarios.map((s) => s.status)).toEqual(['failed', 'passed']);
    expect(failureLines(result)).toEqual([expect.stringMatching(/^load: load plugin: given\.sql\[0\] \(kitchen\): .*syntax error/)]);
  });
});
