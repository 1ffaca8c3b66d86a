// What the dev console asks of the threaded host: plugin state read back through the worker
// (KV, SQL, files, runtime actions, the dev world) with refusals as UserErrors, and the live
// activity stream (SSE sends, chat, emits, timers, commands, strikes) leaving the worker in
// order and in bounded batches. Real engine, worker threads, SQLite and fs sandboxes.
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UserError } from '../../../src/lib/errors.js';
import {
  ACTIVITY_BATCH_SIZE,
  ACTIVITY_BATCHES_IN_FLIGHT,
  MAX_PENDING_ACTIVITY,
  READ_FILE_MAX_BYTES,
  ThreadedHost,
  type HostActivity,
} from '../../../src/lib/host/threaded/index.js';
import { chatMessage, recordingHost } from '../../helpers/host.js';

const manifest = (slug: string, permissions: string[]) => JSON.stringify({ api: '1', name: slug, slug, version: '1.0.0', permissions });
const sdk = 'const { definePlugin, owncast } = require("@owncast/plugin-sdk");';

/** Resolves once `check` holds, polling; fails after `ms`. */
async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const of = <T extends HostActivity['type']>(events: HostActivity[], type: T) =>
  events.filter((e): e is Extract<HostActivity, { type: T }> => e.type === type);

describe('ThreadedHost inspection', () => {
  const store = {
    manifestJson: manifest('store', ['storage.kv', 'storage.sql', 'storage.fs', 'ui.modify']),
    script: `${sdk} definePlugin({ on: { fill() {
      owncast.kv.set("greeting", "hello");
      owncast.kv.set("count", 3);
      owncast.sql.exec("CREATE TABLE scores (id INTEGER PRIMARY KEY, name TEXT NOT NULL, points INTEGER)");
      owncast.sql.exec("INSERT INTO scores (name, points) VALUES (?, ?), (?, ?), (?, ?)", ["ada", 10, "grace", 20, "otter", 5]);
      owncast.sql.exec("CREATE TABLE empty (k TEXT)");
      owncast.fs.write("notes/today.txt", "remember the milk");
      owncast.fs.write("big.bin", new Uint8Array(${READ_FILE_MAX_BYTES} + 1000).fill(7));
      owncast.actions.add({ title: "Vote", url: "https://example.com/vote" });
    } } });`,
  };
  let dataDir: string;
  let host: ThreadedHost;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ocp-inspect-'));
    host = new ThreadedHost({ dataDir });
    await host.load(store);
    await host.dispatch('store.fill', {});
  });
  afterAll(async () => {
    await host?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lists KV entries by key, the host-kept runtime actions key marked', async () => {
    const kv = await host.kv('store');
    expect(kv).toMatchObject({ slug: 'store', total: 3, truncated: false });
    expect(kv.entries.map((e) => [e.key, e.value, e.size, e.runtime])).toEqual([
      ['count', '3', 1, false],
      ['greeting', 'hello', 5, false],
      ['owncast.actions', expect.stringContaining('Vote'), expect.any(Number), true],
    ]);
    expect(await host.runtimeActions('store')).toEqual([expect.objectContaining({ title: 'Vote', url: 'https://example.com/vote' })]);
    expect(await host.kv('nobody')).toMatchObject({ entries: [], total: 0 });
  });

  it('lists SQL tables with columns and counts, pages rows, and refuses a table it does not list', async () => {
    const { tables } = await host.sqlTables('store');
    expect(tables).toEqual([
      { name: 'empty', columns: [{ name: 'k', type: 'TEXT', notNull: false, primaryKey: false }], rows: 0 },
      {
        name: 'scores',
        columns: [
          { name: 'id', type: 'INTEGER', notNull: false, primaryKey: true },
          { name: 'name', type: 'TEXT', notNull: true, primaryKey: false },
          { name: 'points', type: 'INTEGER', notNull: false, primaryKey: false },
        ],
        rows: 3,
      },
    ]);
    const page = await host.sqlRows('store', 'scores', { limit: 2, offset: 1 });
    expect(page).toEqual({ table: 'scores', columns: ['id', 'name', 'points'], rows: [[2, 'grace', 20], [3, 'otter', 5]], offset: 1, limit: 2, total: 3 });

    for (const bad of ['scores; DROP TABLE scores', 'sqlite_schema', 'Scores', '']) {
      const err = await host.sqlRows('store', bad).catch((e: unknown) => e);
      expect(err, bad).toBeInstanceOf(UserError);
      expect(err).toMatchObject({ code: 'SQL_NO_SUCH_TABLE' });
    }
    expect((await host.sqlRows('store', 'scores')).total).toBe(3);
    // a plugin that never used storage.sql has no tables, and none is made for it
    expect(await host.sqlTables('nobody')).toEqual({ slug: 'nobody', tables: [] });
  });

  it('lists storage.fs files and reads one through the sandbox, capped, refusing escapes', async () => {
    const files = await host.files('store');
    expect(files.entries.map((e) => [e.path, e.type, e.size])).toEqual([
      ['big.bin', 'file', READ_FILE_MAX_BYTES + 1000],
      ['notes', 'directory', 0],
      ['notes/today.txt', 'file', 17],
    ]);
    expect(files.entries.every((e) => e.mtimeMs > Date.now() - 600_000)).toBe(true);

    const note = await host.readFile('store', 'notes/today.txt');
    expect(Buffer.from(note.data).toString()).toBe('remember the milk');
    expect(note).toMatchObject({ size: 17, truncated: false });
    const big = await host.readFile('store', 'big.bin');
    expect(big).toMatchObject({ size: READ_FILE_MAX_BYTES + 1000, truncated: true });
    expect(big.data.byteLength).toBe(READ_FILE_MAX_BYTES);

    // a secret beside the sandbox, and a link to it planted inside
    await writeFile(join(dataDir, 'secret.txt'), 'not yours');
    await mkdir(join(dataDir, 'store', 'files', 'links'), { recursive: true });
    await symlink(join(dataDir, 'secret.txt'), join(dataDir, 'store', 'files', 'links', 'out'));
    for (const path of ['../../secret.txt', 'notes/../../kv.db', '/etc/passwd', 'links/out', 'a\\b', 'x\0y']) {
      const err = await host.readFile('store', path).catch((e: unknown) => e);
      expect(err, path).toBeInstanceOf(UserError);
      expect(err).toMatchObject({ code: 'PATH_REFUSED' });
    }
    await expect(host.readFile('store', 'missing.txt')).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    await expect(host.readFile('../store', 'notes/today.txt')).rejects.toMatchObject({ name: 'UserError', code: 'INVALID_SLUG' });
    // the link is listed, not followed
    expect((await host.files('store')).entries).toContainEqual(expect.objectContaining({ path: 'links/out', type: 'symlink', size: 0 }));
  });

  it('answers the dev world: users to send as, the chat log, and messages the server records', async () => {
    const world = await host.world();
    expect(world.users.map((u) => [u.displayName, u.scopes ?? []])).toContainEqual(['grace', ['MODERATOR']]);
    expect(world.stream).toMatchObject({ online: true });
    expect(world).not.toHaveProperty('chatHistory');

    const before = (await host.chatHistory()).messages.length;
    const stored = await host.recordChat({ user: { id: 'u-ada', displayName: 'ada' }, body: 'typed in the console' });
    expect(stored).toMatchObject({ id: expect.any(String), timestamp: expect.any(String), body: 'typed in the console' });
    const { messages } = await host.chatHistory();
    expect(messages).toHaveLength(before + 1);
    expect(messages.at(-1)).toEqual(stored);
  });
});

describe('ThreadedHost activity', () => {
  const streamer = {
    manifestJson: manifest('streamer', ['http.sse', 'chat.send', 'events.emit']),
    script: `${sdk} definePlugin({ on: {
      burst(p) {
        for (let i = p.from; i < p.from + p.n; i++) owncast.sse.send("scores", "update", { i });
        owncast.chat.send("sent " + p.n);
        owncast.events.emit("listener.heard", { n: p.n });
      },
      spray(p) { for (let i = 0; i < p.n; i++) owncast.events.emit("nobody.hears", { i }); },
    },
    // under its 5 s handler budget: the flood must finish on a loaded machine whose other core
    // this test keeps busy
    onHttpRequest(req) { const n = Number(req.query.n); for (let i = 0; i < n; i++) owncast.sse.send("", "", String(i)); return { status: 200 }; },
  });`,
  };
  const listener = {
    manifestJson: manifest('listener', []),
    script: `${sdk} definePlugin({ on: { heard() {} } });`,
  };
  const ticker = {
    manifestJson: manifest('ticker', []),
    script: `${sdk} let fired = 0; definePlugin({ on: { start() {
      owncast.timer.setInterval(() => { fired++; if (fired > 2) throw new Error("tick " + fired + " failed"); }, 100);
    } } });`,
  };
  const commander = {
    manifestJson: manifest('commander', ['chat.send']),
    script: `${sdk} definePlugin({ commands: {
      roll: { description: "rolls", run(ctx) { ctx.reply("rolled " + ctx.args[0]); } },
      boom: { description: "fails", run() { throw new Error("no dice"); } },
    } });`,
  };
  const events: HostActivity[] = [];
  let host: ThreadedHost;

  beforeAll(async () => {
    host = new ThreadedHost({ onActivity: (e) => void events.push(e) });
    for (const source of [streamer, listener, ticker, commander]) await host.load(source);
  });
  afterAll(() => host?.close());

  it('forwards SSE sends in order, with the chat post and the emit they came with', async () => {
    events.length = 0;
    await host.dispatch('streamer.burst', { from: 0, n: 30 });
    await host.dispatch('streamer.burst', { from: 30, n: 30 });
    await until(() => of(events, 'emit').length === 2, 'both emits');
    const sse = of(events, 'sse');
    expect(sse.map((e) => JSON.parse(e.data).i)).toEqual([...Array(60).keys()]);
    expect(sse[0]).toEqual({ at: expect.any(Number), type: 'sse', slug: 'streamer', channel: 'scores', event: 'update', data: '{"i":0}' });
    expect(sse[0]!.at).toBeGreaterThan(Date.now() - 60_000);
    expect(of(events, 'chat')).toEqual([
      expect.objectContaining({ slug: 'streamer', kind: 'bot', botDisplayName: 'streamer', text: 'sent 30' }),
      expect.objectContaining({ slug: 'streamer', kind: 'bot', text: 'sent 30' }),
    ]);
    expect(of(events, 'emit')[0]).toMatchObject({ slug: 'streamer', eventType: 'listener.heard', depth: 1, payload: '{"n":30}', deliveredTo: ['listener'] });
    expect(of(events, 'emit')[0]).not.toHaveProperty('dropped');
  });

  it('reports timer fires, the failures they strike and the disable that follows', async () => {
    events.length = 0;
    await host.dispatch('ticker.start', {});
    await until(() => of(events, 'disabled').length === 1, 'the ticker disabled', 15_000);
    const timers = of(events, 'timer');
    expect(timers.map((t) => t.ok)).toEqual([true, true, false, false, false, false, false]);
    expect(timers[2]).toMatchObject({ slug: 'ticker', id: timers[0]!.id, error: expect.stringContaining('tick 3 failed') });
    expect(of(events, 'strike').map((s) => [s.slug, s.path, s.count])).toEqual([1, 2, 3, 4, 5].map((n) => ['ticker', 'timer', n]));
    expect(of(events, 'disabled')).toEqual([{ at: expect.any(Number), type: 'disabled', slug: 'ticker', reason: expect.stringContaining('timer path') }]);
  });

  it('reports commands with who ran them, and a failing one as a strike', async () => {
    events.length = 0;
    await host.dispatchChatMessage(chatMessage('!roll 6', { user: { id: 'u-grace', displayName: 'grace' } }));
    await host.dispatchChatMessage(chatMessage('!boom'));
    await until(() => of(events, 'command').length === 2, 'both commands');
    expect(of(events, 'command')).toEqual([
      expect.objectContaining({ slug: 'commander', command: 'roll', invokedAs: 'roll', args: ['6'], user: { id: 'u-grace', displayName: 'grace' }, ok: true }),
      expect.objectContaining({ slug: 'commander', command: 'boom', user: { id: 'u1', displayName: 'Viewer' }, ok: false, error: expect.stringContaining('no dice') }),
    ]);
    expect(of(events, 'chat')).toContainEqual(expect.objectContaining({ slug: 'commander', text: 'rolled 6' }));
    expect(of(events, 'strike')).toEqual([expect.objectContaining({ slug: 'commander', path: 'command', count: 1 })]);
  });

  it('bounds what a plugin flooding SSE sends or emits puts on this thread, and counts what it dropped', async () => {
    const bound = MAX_PENDING_ACTIVITY + ACTIVITY_BATCHES_IN_FLIGHT * ACTIVITY_BATCH_SIZE;
    events.length = 0;
    const sends = 2_600; // past the bound
    // The plugin's thread posts its sends without waiting and the host thread turns them into
    // events as they come; this thread is busy meanwhile and takes none (the request is out
    // once its promise chain has run: one macrotask later).
    const request = { method: 'GET', path: '/flood', query: { n: String(sends) }, headers: {}, body: '', remoteAddr: '127.0.0.1', authenticated: false };
    const flooded = host.call('streamer', 'on_http_request', JSON.stringify(request));
    await new Promise((resolve) => setImmediate(resolve));
    const busyUntil = performance.now() + 3_000;
    while (performance.now() < busyUntil);
    await flooded;
    await until(() => of(events, 'dropped').length > 0, 'the dropped notice');
    const sse = of(events, 'sse');
    const dropped = of(events, 'dropped');
    expect(sse.length).toBeLessThanOrEqual(bound);
    expect(sse.length + dropped.reduce((n, d) => n + (d.byType.sse ?? 0), 0)).toBe(sends);
    // what arrived is the start of the stream, in order; the notice comes where the gap is
    expect(sse.map((e) => Number(e.data))).toEqual([...Array(sse.length).keys()]);
    expect(events.at(-1)).toMatchObject({ type: 'dropped', count: sends - sse.length });

    events.length = 0;
    // one chain of 3000 emits: the first 1000 dispatch, the rest are dropped by the chain budget,
    // and each of those is an activity event too, produced faster than this thread takes them
    await host.dispatch('streamer.spray', { n: 3_000 });
    await until(() => of(events, 'dropped').length > 0, 'the dropped notice');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const emits = of(events, 'emit');
    expect(emits.length).toBeLessThanOrEqual(bound);
    expect(emits.length + of(events, 'dropped').reduce((n, d) => n + (d.byType.emit ?? 0), 0)).toBe(3_000);
    expect(emits[0]).toMatchObject({ slug: 'streamer', eventType: 'nobody.hears', deliveredTo: [] });

    // and the host is still answering, the next events arriving whole
    events.length = 0;
    await host.dispatch('streamer.burst', { from: 0, n: 3 });
    await until(() => of(events, 'emit').length === 1, 'the emit after the flood');
    expect(of(events, 'sse').map((e) => e.data)).toEqual(['{"i":0}', '{"i":1}', '{"i":2}']);
  });
});

describe('PluginHost onActivity', () => {
  it('reports the same events on the main thread, and emits dropped at the depth cap', async () => {
    const events: HostActivity[] = [];
    const { host } = recordingHost({ onActivity: (e) => void events.push(e) });
    try {
      // ping and pong emit to each other for ever; the dispatcher stops them at depth 8
      await host.load({
        manifestJson: manifest('ping', ['chat.send', 'events.emit', 'http.sse']),
        script: `${sdk} definePlugin({
          onChatMessage(m) { owncast.sse.send("", "msg", m.body); owncast.chat.send("seen " + m.body); owncast.events.emit("pong.ball", { hit: 1 }); },
          on: { ball(p) { owncast.events.emit("pong.ball", { hit: p.hit + 1 }); } },
        });`,
      });
      await host.load({
        manifestJson: manifest('pong', ['events.emit']),
        script: `${sdk} definePlugin({ on: { ball(p) { owncast.events.emit("ping.ball", { hit: p.hit + 1 }); } } });`,
      });
      await host.dispatchChatMessage(chatMessage('hi'));
      await host.dispatcher.idle();
      expect(events.slice(0, 2)).toEqual([
        { at: expect.any(Number), type: 'sse', slug: 'ping', channel: '', event: 'msg', data: 'hi' },
        { at: expect.any(Number), type: 'chat', slug: 'ping', kind: 'bot', botDisplayName: 'ping', text: 'seen hi' },
      ]);
      const emits = of(events, 'emit');
      // reported once dispatched, so the deepest first: each finishes inside the one before it
      expect(emits.map((e) => [e.slug, e.depth, e.deliveredTo, e.dropped ?? null])).toEqual([
        ['pong', 8, [], 'depth'],
        ['ping', 7, ['pong'], null],
        ['pong', 6, ['ping'], null],
        ['ping', 5, ['pong'], null],
        ['pong', 4, ['ping'], null],
        ['ping', 3, ['pong'], null],
        ['pong', 2, ['ping'], null],
        ['ping', 1, ['pong'], null],
      ]);
    } finally {
      await host.close();
    }
  });
});
