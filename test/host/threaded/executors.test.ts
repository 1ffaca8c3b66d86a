// serve's plugins each in a thread of their own (src/lib/host/executor/, issue 8): a plugin that
// holds its thread for its whole 5 s HTTP budget does not hold the others; host calls made from
// a plugin's thread behave as in process (KV, emits delivered after the call, timers, chat,
// storage.sql in the plugin's thread on the databases the console reads); close() leaves no
// thread behind. Real engine, worker threads, SQLite.
import { readdirSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { PluginError } from '../../../src/lib/errors.js';
import { ThreadedHost, type HostLogLine, type ThreadedHostEvent } from '../../../src/lib/host/threaded/index.js';
import { chatMessage } from '../../helpers/host.js';

const manifest = (slug: string, permissions: string[]) => JSON.stringify({ api: '1', name: slug, slug, version: '1.0.0', permissions });
const sdk = 'const { definePlugin, owncast, filter } = require("@owncast/plugin-sdk");';
const HTTP_BUDGET_MS = 5_000;

const httpRequest = (path: string) =>
  JSON.stringify({ method: 'GET', path, query: {}, headers: {}, body: '', remoteAddr: '127.0.0.1', authenticated: false });

/** Spins in its HTTP handler until the engine stops it at its 5 s budget. */
const burner = {
  manifestJson: manifest('burner', []),
  script: `${sdk} definePlugin({ onHttpRequest() { console.log("burning"); for (;;) {} } });`,
};
const masker = {
  manifestJson: manifest('masker', ['chat.filter']),
  script: `${sdk} definePlugin({ filterChatMessage(m) { return m.body.includes("darn") ? filter.modify({ ...m, body: m.body.replace("darn", "****") }) : filter.pass(); } });`,
};
const echo = {
  manifestJson: manifest('echo', ['chat.send']),
  script: `${sdk} definePlugin({
    onHttpRequest(req) { return { status: 200, body: "echo " + req.path }; },
    onChatMessage(m) { owncast.chat.send("echo: " + m.body); },
  });`,
};
/** Emits, then keeps its thread a while and says so: the listener must hear the emit only after. */
const emitter = {
  manifestJson: manifest('emitter', ['chat.send', 'storage.kv', 'events.emit']),
  script: `${sdk} definePlugin({ on: {
    go(p) {
      owncast.kv.set("last", p.word);
      owncast.events.emit("listener.heard", { word: p.word });
      const until = Date.now() + 300; while (Date.now() < until) {}
      owncast.chat.send("emitter done with " + owncast.kv.get("last"));
    },
    later(p) { owncast.timer.setTimeout(() => owncast.chat.send("timer fired " + p.word), 150); },
  } });`,
};
const listener = {
  manifestJson: manifest('listener', ['chat.send']),
  script: `${sdk} definePlugin({ on: { heard(p) { owncast.chat.send("listener heard " + p.word); } } });`,
};
const tables = {
  manifestJson: manifest('tables', ['storage.sql']),
  script: `${sdk} definePlugin({ on: { fill() {
    owncast.sql.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
    owncast.sql.exec("INSERT INTO notes (body) VALUES (?), (?)", ["one", "two"]);
  } } });`,
};

/** OS threads of this process (each worker thread is one). */
const threads = () => readdirSync('/proc/self/task').length;

/** Resolves once `check` holds, polling; fails after `ms`. */
async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function observed() {
  const logs: HostLogLine[] = [];
  const events: ThreadedHostEvent[] = [];
  const host = new ThreadedHost({ onLog: (line) => void logs.push(line), onEvent: (e) => void events.push(e) });
  const chat = () => logs.flatMap((l) => (l.kind === 'info' && l.message.includes(' chat ') ? [l.message.replace(/^\[[^\]]+\] chat +[^:]+: /, '')] : []));
  const said = (slug: string, message: string) => logs.some((l) => l.kind === 'plugin' && l.slug === slug && l.message === message);
  return { host, logs, events, chat, said };
}

describe('serve: one thread per plugin', () => {
  it('a plugin burning its 5 s HTTP budget holds only itself: the others answer chat and HTTP meanwhile', async () => {
    const o = observed();
    try {
      for (const source of [burner, masker, echo]) await o.host.load(source);
      let burnSettled = false;
      const started = performance.now();
      const burn = o.host
        .call('burner', 'on_http_request', httpRequest('/burn'))
        .catch((e: unknown) => e)
        .finally(() => (burnSettled = true));
      await until(() => o.said('burner', 'burning'), 'the burner to start burning');

      const latencies: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        const report = await o.host.dispatchChatMessage(chatMessage(`darn ${i}`));
        expect(report.payload).toMatchObject({ body: `**** ${i}` });
        expect(report.notified).toEqual([expect.objectContaining({ slug: 'echo', ok: true })]);
        const answer = await o.host.call('echo', 'on_http_request', httpRequest(`/e${i}`));
        expect(JSON.parse(answer.output)).toMatchObject({ status: 200, body: `echo /e${i}` });
        latencies.push(performance.now() - t);
      }
      // all answered while the burner still held its own thread, each far below its 5 s
      expect(burnSettled).toBe(false);
      expect(Math.max(...latencies)).toBeLessThan(2_000);

      const err = await burn;
      expect(performance.now() - started).toBeGreaterThanOrEqual(HTTP_BUDGET_MS - 100);
      expect(err).toBeInstanceOf(PluginError);
      expect(err).toMatchObject({ slug: 'burner', exportName: 'on_http_request', failure: 'deadline' });
      // the engine stopped it in time: no watchdog, one strike, still enabled
      expect(o.events).toEqual([]);
      expect(o.host.plugins().find((p) => p.slug === 'burner')?.state).toBe('enabled');
      expect(o.chat()).toContain('echo: **** 4');
    } finally {
      await o.host.close();
    }
  });

  it("host calls from a plugin's thread behave as in process: KV, emits after the call, timers, chat, storage.sql", async () => {
    const o = observed();
    try {
      for (const source of [emitter, listener, tables]) await o.host.load(source);
      await o.host.dispatch('emitter.go', { word: 'alpha' });
      await until(() => o.chat().includes('listener heard alpha'), 'the listener to hear the emit');
      // the emit reached the listener only once the emitter's call had returned
      const chat = o.chat();
      expect(chat.indexOf('emitter done with alpha')).toBeGreaterThanOrEqual(0);
      expect(chat.indexOf('emitter done with alpha')).toBeLessThan(chat.indexOf('listener heard alpha'));

      await o.host.dispatch('emitter.later', { word: 'beta' });
      await until(() => o.chat().includes('timer fired beta'), 'the timer');

      // storage.sql runs in the plugin's thread, on the database the console reads here
      await o.host.dispatch('tables.fill', {});
      const listing = await o.host.sqlTables('tables');
      expect(listing.tables).toEqual([expect.objectContaining({ name: 'notes', rows: 2 })]);
      expect(o.events).toEqual([]);
    } finally {
      await o.host.close();
    }
  });

  it('close() ends every plugin thread', async () => {
    // a first host starts what a process starts once (thread pools), so the count below is of ours only
    const warm = observed();
    await warm.host.load(masker);
    await warm.host.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = threads();

    const o = observed();
    for (const source of [masker, echo, listener]) await o.host.load(source);
    // the host thread and one thread per plugin, at least
    expect(threads()).toBeGreaterThanOrEqual(before + 4);
    await o.host.close();
    await until(() => threads() <= before, `the thread count to come back to ${before} (now ${threads()})`);
  });
});
