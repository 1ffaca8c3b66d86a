// A real plugin, built by our compiler and run by our engine, reaching the off-thread
// services through the engine: owncast.http.fetch via Extism's kernel http_request (our
// override), owncast.sql.* via the owncast_sql_* host functions.

import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadEngineModule } from '../../../src/lib/host/engine-module.js';
import { createHostFunctions } from '../../../src/lib/host/host-functions.js';
import { PluginInstance } from '../../../src/lib/host/instance.js';
import { createHttpKernelOverrides, createHttpService, type HttpService } from '../../../src/lib/host/offthread/http/index.js';
import { createSqlService, type SqlService } from '../../../src/lib/host/offthread/sql/index.js';
import { buildSource } from '../../helpers/host.js';
import { startServers, type Servers } from './http-servers.js';

const fixture = fileURLToPath(new URL('./fixtures/offthread-probe', import.meta.url));
const SLUG = 'offthread-probe';

let servers: Servers;
let http: HttpService;
let sql: SqlService;
const instances: PluginInstance[] = [];

beforeAll(async () => {
  servers = await startServers();
  http = createHttpService();
  sql = createSqlService({ dataDir: null });
  expect(http.warm() && sql.warm()).toBe(true);
});
afterAll(async () => {
  for (const i of instances) await i.close();
  http.close();
  sql.close();
  await servers.stop();
});

/** The probe plugin with the given permissions; returns a route caller and the host's warnings. */
async function probe(permissions: string[]) {
  const source = await buildSource(fixture, 'js');
  const warnings: string[] = [];
  const granted = new Set(permissions);
  const caller = { slug: SLUG, permissions: granted };
  const instance = await PluginInstance.create({
    module: await loadEngineModule(),
    config: { __slug: SLUG, script: source.script!, manifest: source.manifestJson },
    hostFunctions: createHostFunctions({
      caller,
      implementations: {
        owncast_sql_exec: (c) => sql.exec(c.caller.slug, c.text(0)),
        owncast_sql_query: (c) => sql.query(c.caller.slug, c.text(0)),
      },
      onDenied: (fn) => warnings.push(`${fn.name}: plugin "${SLUG}" lacks permission "${fn.permission}"`),
    }),
    kernelOverrides: createHttpKernelOverrides(
      http,
      () => ({ slug: SLUG, allowedHosts: ['127.0.0.1'], permitted: granted.has('network.fetch'), deadlineAt: performance.now() + 5000 }),
      { warn: (m) => warnings.push(m) },
    ),
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  instances.push(instance);
  await instance.call('register');
  const call = async (route: string, args: unknown) => {
    const request = { method: 'POST', path: route, query: {}, headers: {}, body: JSON.stringify(args), remoteAddr: '127.0.0.1', authenticated: false };
    const out = JSON.parse((await instance.call('on_http_request', JSON.stringify(request))).text()) as { status: number; body: string };
    return JSON.parse(out.body) as { result?: any; error?: string };
  };
  return { call, warnings };
}

describe('off-thread services through a real plugin', () => {
  it('owncast.http.fetch gets the body from an allowed host, and POSTs', async () => {
    const { call, warnings } = await probe(['network.fetch', 'storage.sql', 'http.serve']);
    expect(await call('/fetch', { url: `${servers.a}/hello` })).toEqual({ result: { status: 200, headers: {}, body: 'hello from a' } });
    expect(await call('/fetch', { url: `${servers.a}/echo`, opts: { method: 'POST', body: 'sent by the plugin' } })).toEqual({
      result: { status: 201, headers: {}, body: 'sent by the plugin' },
    });
    expect(warnings).toEqual([]);
  });

  it('a refused request throws in the plugin, and the host says why', async () => {
    const { call, warnings } = await probe(['network.fetch', 'storage.sql', 'http.serve']);
    await servers.reset();
    const target = `http://localhost:${servers.portB}/hello`;
    const why = `http_request from "${SLUG}": HTTP request to "${target}" is not allowed (no allowedHosts match "localhost")`;
    // the probe's route catches what owncast.http.fetch throws and answers its message
    expect(await call('/fetch', { url: target })).toEqual({ error: why });
    expect(await call('/fetch', { url: `${servers.a}/redirect/302?to=${encodeURIComponent(target)}` })).toEqual({ error: why });
    expect(warnings).toEqual([why, why]);
    expect((await servers.seen()).b).toEqual([]);
  });

  it('a plugin without network.fetch never reaches the network', async () => {
    const { call, warnings } = await probe(['storage.sql', 'http.serve']);
    await servers.reset();
    expect(await call('/fetch', { url: `${servers.a}/hello` })).toEqual({ error: `http_request: plugin "${SLUG}" lacks permission "network.fetch"` });
    expect(warnings).toEqual([`http_request: plugin "${SLUG}" lacks permission "network.fetch"`]);
    expect(await servers.seen()).toEqual({ a: [], b: [] });
  });

  it('owncast.sql.* works end to end, and a runaway query is stopped without losing data', async () => {
    const { call } = await probe(['network.fetch', 'storage.sql', 'http.serve']);
    expect(await call('/exec', { sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)' })).toEqual({ result: { rowsAffected: 0, lastInsertId: 0 } });
    expect(await call('/exec', { sql: 'INSERT INTO notes (body) VALUES (?), (?)', params: ['first', 'second'] })).toEqual({
      result: { rowsAffected: 2, lastInsertId: 2 },
    });
    expect(await call('/query', { sql: 'SELECT id, body FROM notes ORDER BY id' })).toEqual({
      result: [
        { id: 1, body: 'first' },
        { id: 2, body: 'second' },
      ],
    });
    expect(await call('/queryRow', { sql: 'SELECT body FROM notes ORDER BY id' })).toEqual({ result: { body: 'first' } });
    expect(await call('/exec', { sql: 'PRAGMA user_version = 3' })).toEqual({ error: 'PRAGMA is not available to plugins' });

    const t0 = performance.now();
    expect(await call('/query', { sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c' })).toEqual({
      error: 'context deadline exceeded',
    });
    expect(performance.now() - t0).toBeLessThan(8000);
    expect(await call('/query', { sql: 'SELECT count(*) AS n FROM notes' })).toEqual({ result: [{ n: 2 }] });
  });

  it('a plugin without storage.sql gets nothing from SQL', async () => {
    const { call, warnings } = await probe(['network.fetch', 'http.serve']);
    expect((await call('/query', { sql: 'SELECT 1' })).error).toBeDefined();
    expect(warnings).toEqual([`owncast_sql_query: plugin "${SLUG}" lacks permission "storage.sql"`]);
  });
});
