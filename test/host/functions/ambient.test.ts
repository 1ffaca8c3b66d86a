import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RUNTIME_ACTIONS_KEY, readRuntimeActions, type SqlService, type TimerService } from '../../../src/lib/host/functions/index.js';
import { memoryFiles, startPlugin, type Running } from './harness.js';

describe('config.get through a real plugin', () => {
  let p: Running;
  beforeAll(async () => {
    p = await startPlugin('toolbox', { configOverrides: { maxWarnings: 5, webhook: 'https://hooks.example/x' } });
  });
  afterAll(() => p.close());

  it("answers the manifest default when the admin set nothing", async () => {
    expect(await p.call('/config', { key: 'greeting' })).toBe('hello');
    expect(await p.call('/config', { key: 'enabled' })).toBe(false);
    expect(await p.call('/config', { key: 'colors' })).toEqual({ warn: 'orange', alert: 'red' });
  });

  it("answers the admin's override over the default", async () => {
    expect(await p.call('/config', { key: 'maxWarnings' })).toBe(5);
    expect(await p.call('/config', { key: 'webhook' })).toBe('https://hooks.example/x');
  });

  it('an undeclared key, or a declared key with no default and no override, is 0 (the fallback)', async () => {
    expect(await p.call('/config', { key: 'notDeclared', fallback: 'fb' })).toBe('fb');
    expect(await p.call('/config', { key: '__slug', fallback: 'fb' })).toBe('fb');
    expect(await p.call('/config', { key: 'toString', fallback: 'fb' })).toBe('fb');
    const bare = await startPlugin('toolbox');
    try {
      expect(await bare.call('/config', { key: 'webhook', fallback: 'unset' })).toBe('unset');
    } finally {
      await bare.close();
    }
  });

  it('objects come back with their keys in Go map order (sorted)', async () => {
    expect(await p.call('/configKeys', { key: 'colors' })).toEqual(['alert', 'warn']);
  });

  it('is read on every call, so an admin change applies at once', async () => {
    p.identity.configOverrides.greeting = 'howdy';
    expect(await p.call('/config', { key: 'greeting' })).toBe('howdy');
  });
});

describe('assets.read through a real plugin', () => {
  let p: Running;
  beforeAll(async () => {
    p = await startPlugin('toolbox', {
      assets: memoryFiles({ 'templates/welcome.html': '<h1>Welcome</h1>', 'data/words.bin': new Uint8Array([0, 200, 255]) }),
    });
  });
  afterAll(() => p.close());

  it('reads text and exact bytes of files shipped in assets/', async () => {
    expect(await p.call('/asset', { path: 'templates/welcome.html' })).toBe('<h1>Welcome</h1>');
    expect(await p.call('/assetBytes', { path: 'data/words.bin' })).toEqual([0, 200, 255]);
    expect(await p.call('/asset', { path: 'missing.txt' })).toBeNull();
  });

  it('refuses any ".." and a leading "/", without asking the file source', async () => {
    for (const path of ['../plugin.manifest.json', 'templates/../templates/welcome.html', '/templates/welcome.html', 'a..b']) {
      expect(await p.call('/asset', { path })).toBeNull();
    }
  });

  it('a plugin without assets/ reads nothing', async () => {
    const bare = await startPlugin('toolbox');
    try {
      expect(await bare.call('/asset', { path: 'templates/welcome.html' })).toBeNull();
    } finally {
      await bare.close();
    }
  });
});

describe('owncast.log through a real plugin', () => {
  let p: Running;
  beforeAll(async () => {
    p = await startPlugin('toolbox', { permissions: [] });
  });
  afterAll(() => p.close());

  it('is ambient, keeps the level and attributes the entry to the calling plugin', async () => {
    await p.call('/log', { level: 'info', args: ['ready'] });
    await p.call('/log', { level: 'warning', args: ['ready'] });
    await p.call('/log', { level: 'warn', args: ['ready'] });
    await p.call('/log', { level: 'error', args: ['ready', 2, true] });
    expect(p.logs).toEqual([
      { slug: 'toolbox', level: 'info', message: 'ready' },
      { slug: 'toolbox', level: 'warn', message: 'ready' },
      { slug: 'toolbox', level: 'warn', message: 'ready' },
      { slug: 'toolbox', level: 'error', message: 'ready 2 true' },
    ]);
    expect(p.warnings).toEqual([]);
  });

  it('control characters become single spaces (conformance: "line one\\nline two\\u001b[31m")', async () => {
    p.logs.length = 0;
    await p.call('/log', { level: 'info', args: ['line one\nline two\u001b[31m'] });
    await p.call('/log', { level: 'info', args: ['tab\there\r\n\u0085end\u2028kept'] });
    expect(p.logs.map((l) => l.message)).toEqual(['line one line two [31m', 'tab here   end\u2028kept']);
  });

  it('a message over 4096 bytes is cut to 4084 bytes plus " [truncated]" (conformance: "x" × 5000)', async () => {
    p.logs.length = 0;
    await p.call('/logRepeat', { char: 'x', count: 5000 });
    await p.call('/logRepeat', { char: 'x', count: 4096 });
    expect(p.logs[0]!.message).toBe('x'.repeat(4084) + ' [truncated]');
    expect(p.logs[1]!.message).toBe('x'.repeat(4096));
  });

  it('a cut through a multi-byte character drops the partial character', async () => {
    p.logs.length = 0;
    // 'x' then 2-byte 'é's: the 4084-byte cut ends inside the 2042nd 'é', whose first byte is dropped
    await p.call('/log', { level: 'info', args: ['x' + 'é'.repeat(2100)] });
    expect(p.logs[0]!.message).toBe('x' + 'é'.repeat(2041) + ' [truncated]');
    expect(Buffer.byteLength(p.logs[0]!.message)).toBe(4095);
  });
});

describe('actions through a real plugin', () => {
  let p: Running;
  beforeAll(async () => {
    p = await startPlugin('toolbox');
  });
  afterAll(() => p.close());

  it("adds buttons to the plugin's KV under owncast.actions, rewriting own-namespace URLs and icons", async () => {
    await p.call('/addActions', { buttons: { title: 'Leaderboard', url: '/board', icon: '/icon.png', color: '#ff0' } });
    await p.call('/addActions', { buttons: [{ title: 'Tip', html: '<b>tip</b>' }, { title: 'Docs', url: 'https://docs.example', icon: 'https://docs.example/i.png' }] });
    expect(readRuntimeActions(p.kv, 'toolbox')).toEqual([
      { title: 'Leaderboard', url: '/plugins/toolbox/board', html: '', icon: '/plugins/toolbox/icon.png', color: '#ff0', description: '', openExternally: false },
      { title: 'Tip', url: '', html: '<b>tip</b>', icon: '', color: '', description: '', openExternally: false },
      { title: 'Docs', url: 'https://docs.example', html: '', icon: 'https://docs.example/i.png', color: '', description: '', openExternally: false },
    ]);
    expect(JSON.parse(p.kv.get('toolbox', RUNTIME_ACTIONS_KEY)!)[1]).toEqual({ title: 'Tip', html: '<b>tip</b>' });
  });

  it.each([
    [{ url: '/x' }, 'actions[0].title is required'],
    [{ title: 'Both', url: '/x', html: '<i>' }, 'actions[0]: exactly one of url or html is required'],
    [{ title: 'Neither' }, 'actions[0]: exactly one of url or html is required'],
    [{ title: 'Theirs', url: '/plugins/other/x' }, "actions[0].url points at another plugin's namespace: /plugins/other/x"],
    [{ title: 'Icon', html: 'x', icon: '/plugins/other/i.png' }, "actions[0].icon: points at another plugin's namespace: /plugins/other/i.png"],
  ])('refuses %j: logged, nothing stored', async (button, error) => {
    const before = p.kv.get('toolbox', RUNTIME_ACTIONS_KEY);
    await p.call('/addActions', { buttons: [button] });
    expect(p.kv.get('toolbox', RUNTIME_ACTIONS_KEY)).toBe(before);
    expect(p.warnings.at(-1)).toBe(`owncast_add_actions from toolbox: ${error}`);
  });

  it('one bad button refuses the whole batch', async () => {
    const before = p.kv.get('toolbox', RUNTIME_ACTIONS_KEY);
    await p.call('/addActions', { buttons: [{ title: 'Fine', html: 'ok' }, { title: '', html: 'bad' }] });
    expect(p.kv.get('toolbox', RUNTIME_ACTIONS_KEY)).toBe(before);
    expect(p.warnings.at(-1)).toBe('owncast_add_actions from toolbox: actions[1].title is required');
  });

  it('clear removes the runtime buttons; a corrupt stored list counts as empty', async () => {
    await p.call('/clearActions');
    expect(p.kv.get('toolbox', RUNTIME_ACTIONS_KEY)).toBeNull();
    p.kv.set('toolbox', RUNTIME_ACTIONS_KEY, '{not json');
    await p.call('/addActions', { buttons: { title: 'Fresh', html: 'x' } });
    expect(readRuntimeActions(p.kv, 'toolbox').map((a) => a.title)).toEqual(['Fresh']);
  });

  it('own-namespace URLs and icons need http.serve', async () => {
    const noServe = await startPlugin('toolbox', { permissions: ['ui.modify'] });
    try {
      await noServe.call('/addActions', { buttons: { title: 'Board', url: '/board' } });
      await noServe.call('/addActions', { buttons: { title: 'Tip', html: 'x', icon: 'https://cdn.example/i.png' } });
      await noServe.call('/addActions', { buttons: { title: 'Tip', html: 'x', icon: '/i.png' } });
      expect(noServe.warnings).toEqual([
        'owncast_add_actions from toolbox: actions[0].url targets this plugin (/plugins/toolbox/board) but http.serve permission is not declared',
        'owncast_add_actions from toolbox: actions[0].icon: targets this plugin (/plugins/toolbox/i.png) but http.serve permission is not declared',
      ]);
      expect(readRuntimeActions(noServe.kv, 'toolbox').map((a) => a.icon)).toEqual(['https://cdn.example/i.png']);
    } finally {
      await noServe.close();
    }
  });
});

describe('timers through a real plugin', () => {
  let p: Running;
  const set: { slug: string; id: bigint; delayMs: bigint; repeat: boolean }[] = [];
  const cleared: bigint[] = [];
  let atCap = false;
  const timers: TimerService = {
    set: (slug, id, delayMs, repeat) => (atCap ? false : (set.push({ slug, id, delayMs, repeat }), true)),
    clear: (_slug, id) => void cleared.push(id),
  };
  beforeAll(async () => {
    p = await startPlugin('toolbox', { permissions: [], deps: { timers } });
  });
  afterAll(() => p.close());

  it('are ambient: set reaches the timer service with the id, the delay and the repeat flag', async () => {
    const a = await p.call('/timeout', { ms: 1500 });
    const b = await p.call('/interval', { ms: 250 });
    expect(set).toEqual([
      { slug: 'toolbox', id: BigInt(a as number), delayMs: 1500n, repeat: false },
      { slug: 'toolbox', id: BigInt(b as number), delayMs: 250n, repeat: true },
    ]);
    await p.call('/clearTimer', { id: b });
    expect(cleared).toEqual([BigInt(b as number)]);
    expect(p.warnings).toEqual([]);
  });

  it('a delay over 24 h is clamped to 24 h by the host function', async () => {
    set.length = 0;
    await p.call('/timeout', { ms: 7 * 24 * 60 * 60 * 1000 });
    expect(set[0]!.delayMs).toBe(86_400_000n);
  });

  it('at the cap the service says no and the SDK throws', async () => {
    atCap = true;
    await expect(p.call('/timeout', { ms: 100 })).rejects.toThrow('owncast.timer: too many pending timers');
    atCap = false;
  });

  it('the fired timer reaches its callback through timer.fire', async () => {
    const id = await p.call('/timeout', { ms: 4242 });
    await p.event('timer.fire', { id });
    expect(await p.call('/fired')).toEqual([4242]);
  });

  it('without a timer service, set answers 1 (production test harness) and nothing fires', async () => {
    const bare = await startPlugin('toolbox', { permissions: [] });
    try {
      expect(typeof (await bare.call('/timeout', { ms: 100 }))).toBe('number');
    } finally {
      await bare.close();
    }
  });
});

describe('storage.sql through a real plugin', () => {
  it('without a SQL service the plugin gets "SQL storage unavailable"', async () => {
    const p = await startPlugin('toolbox');
    try {
      await expect(p.call('/sqlExec', { sql: 'CREATE TABLE t (x)' })).rejects.toThrow('SQL storage unavailable');
      await expect(p.call('/sqlQuery', { sql: 'SELECT 1' })).rejects.toThrow('SQL storage unavailable');
    } finally {
      await p.close();
    }
  });

  it('passes the request JSON to the SQL service untouched and returns its answer', async () => {
    const seen: [string, string, string][] = [];
    const sql: SqlService = {
      exec: (slug, req) => (seen.push(['exec', slug, req]), JSON.stringify({ rowsAffected: 1, lastInsertId: 7 })),
      query: (slug, req) => (seen.push(['query', slug, req]), JSON.stringify({ columns: ['n', 'name'], rows: [[1, 'ada']], truncated: true })),
    };
    const p = await startPlugin('toolbox', { deps: { sql } });
    try {
      expect(await p.call('/sqlExec', { sql: 'INSERT INTO t VALUES (?)', params: [1] })).toEqual({ rowsAffected: 1, lastInsertId: 7 });
      expect(await p.call('/sqlQuery', { sql: 'SELECT n, name FROM t' })).toEqual([{ n: 1, name: 'ada' }]);
      expect(await p.call('/sqlRow', { sql: 'SELECT n, name FROM t' })).toEqual({ n: 1, name: 'ada' });
      expect(seen).toEqual([
        ['exec', 'toolbox', '{"sql":"INSERT INTO t VALUES (?)","params":[1]}'],
        ['query', 'toolbox', '{"sql":"SELECT n, name FROM t","params":[]}'],
        ['query', 'toolbox', '{"sql":"SELECT n, name FROM t","params":[],"maxRows":1}'],
      ]);
    } finally {
      await p.close();
    }
  });

  it("the SQL service's {error} reaches the plugin as a thrown error", async () => {
    const sql: SqlService = {
      exec: () => JSON.stringify({ error: 'PRAGMA is not available to plugins' }),
      query: () => JSON.stringify({ error: 'x' }),
    };
    const p = await startPlugin('toolbox', { deps: { sql } });
    try {
      await expect(p.call('/sqlExec', { sql: 'PRAGMA user_version' })).rejects.toThrow('PRAGMA is not available to plugins');
    } finally {
      await p.close();
    }
  });
});
