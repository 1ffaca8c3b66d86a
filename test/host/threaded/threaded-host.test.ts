// serve's execution model: a real PluginHost (engine, Extism, storage) in a worker thread,
// each plugin in a thread of its own under it, driven from this thread through ThreadedHost,
// and the watchdog ending the thread of a plugin that never returns. The stuck plugin is a self-contained wasm module without the engine's
// interrupt handler (stuck-wasm.ts), so nothing inside the call can stop it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PluginError, UserError } from '../../../src/lib/errors.js';
import { verifySessionToken } from '../../../src/lib/host/env/index.js';
import { CLOSE_WAIT_MS, OVERRUN_GRACE_MS, ThreadedHost, type HostLogLine, type ThreadedHostEvent, type ThreadedHostOptions } from '../../../src/lib/host/threaded/index.js';
import { chatMessage } from '../../helpers/host.js';
import { SPINNING, stuckPluginWasm } from './stuck-wasm.js';

const manifest = (slug: string, permissions: string[]) => JSON.stringify({ api: '1', name: slug, slug, version: '1.0.0', permissions });
const sdk = 'const { definePlugin, owncast, filter } = require("@owncast/plugin-sdk");';
const HTTP_BUDGET_MS = 5_000;

const masker = {
  manifestJson: manifest('masker', ['chat.filter']),
  script: `${sdk} definePlugin({ filterChatMessage(m) { return m.body.includes("darn") ? filter.modify({ ...m, body: m.body.replace("darn", "****") }) : filter.pass(); } });`,
};
const greeter = {
  manifestJson: manifest('greeter', ['chat.send']),
  script: `${sdk} definePlugin({ onChatMessage(m) { owncast.chat.send("hi " + m.user.displayName + ": " + m.body); } });`,
};
const thrower = {
  manifestJson: manifest('thrower', []),
  script: `${sdk} definePlugin({
    onChatMessage() { throw new Error("boom in a notification"); },
    onHttpRequest() { throw new Error("boom in a handler"); },
  });`,
};
const gate = {
  manifestJson: manifest('gate', ['auth.gate']),
  script: `${sdk} definePlugin({ onHttpRequest(req) { owncast.auth.grantSession({ userId: "u-ada", ttl: 60 }); return { status: 200, body: "welcome " + req.path }; } });`,
};
const keeper = {
  manifestJson: manifest('keeper', ['storage.kv', 'chat.send']),
  script: `${sdk} definePlugin({ on: {
    save(p) { owncast.kv.set("k", p.value); },
    show() { owncast.chat.send("kv=" + owncast.kv.get("k")); },
  } });`,
};
const stuck = { manifestJson: manifest('stuck', []), wasm: stuckPluginWasm({ slug: 'stuck', name: 'stuck', version: '1.0.0' }) };

const httpRequest = (path: string) =>
  JSON.stringify({ method: 'GET', path, query: {}, headers: {}, body: '', remoteAddr: '127.0.0.1', authenticated: false });

interface Observed {
  host: ThreadedHost;
  logs: HostLogLine[];
  events: ThreadedHostEvent[];
  /** What plugins did to Owncast (the dev env's lines). */
  info(): string[];
  /** Resolves when the stuck plugin has said it is spinning (it is then inside its call for good). */
  spinning(): Promise<void>;
}

function observedHost(options: ThreadedHostOptions = {}): Observed {
  const logs: HostLogLine[] = [];
  const events: ThreadedHostEvent[] = [];
  let spun: () => void = () => undefined;
  const host = new ThreadedHost({
    ...options,
    onLog: (line) => {
      logs.push(line);
      if (line.kind === 'plugin' && line.slug === 'stuck' && line.message === SPINNING) spun();
    },
    onEvent: (e) => void events.push(e),
  });
  return {
    host,
    logs,
    events,
    info: () => logs.flatMap((l) => (l.kind === 'info' ? [l.message] : [])),
    spinning: () => new Promise<void>((resolve) => (spun = resolve)),
  };
}

describe('ThreadedHost', () => {
  let o: Observed;
  beforeAll(async () => {
    o = observedHost();
    for (const source of [masker, greeter, thrower, gate]) await o.host.load(source);
  });
  afterAll(() => o.host.close());

  it('runs a chat message through a filter and a notifier in the worker and answers with the report', async () => {
    const report = await o.host.dispatchChatMessage(chatMessage('darn it'));
    expect(report.filters).toEqual([expect.objectContaining({ slug: 'masker', action: 'modify' })]);
    expect(report).toMatchObject({ modified: true, dropped: null, payload: { body: '**** it' }, help: null, commands: [] });
    expect(report.notified.map((n) => [n.slug, n.ok])).toEqual([
      ['greeter', true],
      ['thrower', false],
    ]);
    expect(o.info()).toContain('[greeter] chat  greeter: hi Viewer: **** it');
    expect(o.host.plugins().map((p) => [p.slug, p.state])).toEqual([
      ['masker', 'enabled'],
      ['greeter', 'enabled'],
      ['thrower', 'enabled'],
      ['gate', 'enabled'],
    ]);
    expect(o.host.plugins()[0]).toMatchObject({ permissions: ['chat.filter'], subscriptions: { filter: [{ event: 'chat.message.received' }] } });
  });

  it('brings errors back as PluginError naming the plugin and export, and UserError', async () => {
    const report = await o.host.dispatchChatMessage(chatMessage('hello'));
    const failed = report.notified.find((n) => n.slug === 'thrower')!;
    expect(failed.error).toBeInstanceOf(PluginError);
    expect(failed.error).toMatchObject({ slug: 'thrower', exportName: 'on_event', failure: 'error', message: expect.stringContaining('boom in a notification') });

    const call = await o.host.call('thrower', 'on_http_request', httpRequest('/x')).catch((e: unknown) => e);
    expect(call).toBeInstanceOf(PluginError);
    expect(call).toMatchObject({ slug: 'thrower', exportName: 'on_http_request', message: expect.stringMatching(/^thrower: on_http_request\(\) failed: .*boom in a handler/) });

    const broken = await o.host
      .load({ manifestJson: manifest('broken', []), script: 'throw new Error("top-level throw");' })
      .catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(PluginError);
    expect(broken).toMatchObject({ slug: 'broken', exportName: 'register', message: expect.stringContaining('top-level throw') });

    await expect(o.host.load(masker)).rejects.toMatchObject({ name: 'UserError', code: 'PLUGIN_ALREADY_LOADED' });
    const missing = await o.host.call('nobody', 'on_http_request').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(UserError);
    expect(missing).toMatchObject({ code: 'PLUGIN_NOT_LIVE' });
  });

  it('carries the session cookie a handler grants back to this thread, signed with the host secret', async () => {
    const result = await o.host.call('gate', 'on_http_request', httpRequest('/login'));
    expect(JSON.parse(result.output)).toMatchObject({ status: 200, body: 'welcome /login' });
    expect(result.session).toEqual([{ action: 'grant', token: expect.any(String), ttlSeconds: 60 }]);
    const grant = result.session[0] as { token: string };
    expect(verifySessionToken(o.host.sessionSecret, grant.token, Math.floor(Date.now() / 1000))).toBe('u-ada');
  });

  it('reports a plugin strikes disabled, and refuses its calls from then on', async () => {
    // thrower's handler has failed once above; four more make five on the http path
    for (let i = 0; i < 4; i++) await o.host.call('thrower', 'on_http_request', httpRequest('/x')).catch(() => undefined);
    expect(o.events).toContainEqual({ type: 'disabled', slug: 'thrower', reason: expect.any(String), by: 'strikes' });
    expect(o.host.plugins().find((p) => p.slug === 'thrower')).toMatchObject({ state: 'disabled', disabledReason: expect.any(String) });
    await expect(o.host.call('thrower', 'on_http_request')).rejects.toMatchObject({ code: 'PLUGIN_NOT_LIVE' });
  });
});

describe('ThreadedHost watchdog', () => {
  it("ends only the thread of a call that never returns: the others answer meanwhile and after, with their KV", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ocp-threaded-'));
    const o = observedHost({ dataDir });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 100);
    try {
      for (const source of [keeper, masker, stuck]) await o.host.load(source);
      await o.host.dispatch('keeper.save', { value: 'written before' });

      const started = performance.now();
      const inside = o.spinning();
      let stuckSettled = false;
      const spinning = o.host
        .call('stuck', 'on_http_request', httpRequest('/spin'))
        .catch((e: unknown) => e)
        .finally(() => (stuckSettled = true));
      await inside;
      // issued while that plugin's thread is stuck: answered by the others' threads meanwhile
      const asked = performance.now();
      const meanwhile = await o.host.dispatchChatMessage(chatMessage('darn, meanwhile'));
      const answeredIn = performance.now() - asked;
      expect(stuckSettled).toBe(false);
      expect(meanwhile.payload).toMatchObject({ body: '****, meanwhile' });
      expect(answeredIn).toBeLessThan(HTTP_BUDGET_MS);
      const ticksBefore = ticks;
      const err = await spinning;
      const elapsed = performance.now() - started;

      expect(err).toBeInstanceOf(PluginError);
      expect(err).toMatchObject({ slug: 'stuck', exportName: 'on_http_request', failure: 'deadline' });
      expect(elapsed).toBeGreaterThanOrEqual(HTTP_BUDGET_MS);
      expect(elapsed).toBeLessThan(HTTP_BUDGET_MS + OVERRUN_GRACE_MS + 2_000);
      // this thread kept running the whole time
      expect(ticks - ticksBefore).toBeGreaterThanOrEqual(10);

      expect(o.events.filter((e) => e.type === 'overrun')).toEqual([
        { type: 'overrun', slug: 'stuck', exportName: 'on_http_request', budgetMs: HTTP_BUDGET_MS, elapsedMs: expect.any(Number) },
      ]);
      expect(o.events).toContainEqual({ type: 'disabled', slug: 'stuck', reason: expect.stringContaining('on_http_request'), by: 'watchdog' });
      // the host thread itself was not restarted: nothing had to be loaded again
      expect(o.events.filter((e) => e.type === 'worker-restarted')).toEqual([]);
      expect(o.host.restarts).toBe(0);

      // the others go on, with the KV written before
      const report = await o.host.dispatchChatMessage(chatMessage('darn, after'));
      expect(report.payload).toMatchObject({ body: '****, after' });
      await o.host.dispatch('keeper.show', {});
      expect(o.info()).toContain('[keeper] chat  keeper: kv=written before');

      // the offender stays out until the user loads it again
      expect(o.host.plugins().map((p) => [p.slug, p.state])).toEqual([
        ['keeper', 'enabled'],
        ['masker', 'enabled'],
        ['stuck', 'disabled'],
      ]);
      await expect(o.host.call('stuck', 'on_http_request')).rejects.toMatchObject({ code: 'PLUGIN_NOT_LIVE' });
      await o.host.load(stuck);
      expect(o.host.plugins().find((p) => p.slug === 'stuck')?.state).toBe('enabled');
    } finally {
      clearInterval(ticker);
      await o.host.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('closes without hanging while a call is stuck, rejecting what it still owed', async () => {
    const o = observedHost();
    try {
      await o.host.load(stuck);
      const inside = o.spinning();
      const spinning = o.host.call('stuck', 'on_http_request', httpRequest('/spin')).catch((e: unknown) => e);
      await inside;
      const started = performance.now();
      await o.host.close();
      expect(performance.now() - started).toBeLessThan(CLOSE_WAIT_MS + 8_000);
      expect(await spinning).toMatchObject({ name: 'UserError', code: 'HOST_CLOSED' });
      await expect(o.host.dispatch('anything', {})).rejects.toMatchObject({ code: 'HOST_CLOSED' });
      expect(o.events.filter((e) => e.type === 'overrun')).toEqual([]);
    } finally {
      await o.host.close();
    }
  });
});

describe('ThreadedHost start', () => {
  it('fails every request, instead of hanging, when the host in the worker cannot start', async () => {
    const o = observedHost({ dataDir: join(tmpdir(), 'ocp-threaded-missing', 'not', 'there') });
    try {
      await expect(o.host.load(masker)).rejects.toThrow(/^the plugin host could not start: .*directory does not exist/);
      await expect(o.host.dispatch('anything', {})).rejects.toMatchObject({ name: 'BugError' });
      expect(o.events).toEqual([{ type: 'failed', message: expect.stringContaining('could not start') }]);
    } finally {
      await o.host.close();
    }
  });
});
