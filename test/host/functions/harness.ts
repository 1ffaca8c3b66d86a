// Runs a fixture plugin (built by our compiler, run by our engine under @extism/extism) with
// the host functions from src/lib/host/functions over a recording env, real SQLite KV and a
// real fs sandbox in a temp dir. Fixtures answer over on_http_request: POST <route> with a
// JSON body, and the response body is {result} or {error} (what the plugin caught).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { identityFromManifest } from '../../../src/lib/host/identity.js';
import { parseManifest } from '../../../src/lib/manifest/index.js';
import { loadEngineModule } from '../../../src/lib/host/engine-module.js';
import { createRecordingEnv, type HostEnv, type RecordingEnv } from '../../../src/lib/host/env/index.js';
import { buildHostFunctions, type HostDeps } from '../../../src/lib/host/functions/index.js';
import { PluginInstance } from '../../../src/lib/host/instance.js';
import { createFsSandboxes, openKvStore, type KvStore } from '../../../src/lib/host/storage/index.js';
import type { FileSource, PluginIdentity } from '../../../src/lib/host/types.js';
import { buildSource } from '../../helpers/host.js';

export const fixtureDir = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

export interface StartOptions {
  /** Replaces the manifest's permissions. */
  permissions?: string[];
  configOverrides?: Record<string, unknown>;
  assets?: FileSource | null;
  /** Default: a fresh recording env. */
  env?: HostEnv;
  /** Extra or replacement dependencies (sql, events, timers, clock, fediverse, authSink...). */
  deps?: Partial<HostDeps>;
  /** Share one HostDeps between plugins (rate limits, warnings). */
  sharedDeps?: HostDeps;
}

export interface Running {
  slug: string;
  identity: PluginIdentity;
  instance: PluginInstance;
  deps: HostDeps;
  /** The env (a RecordingEnv unless StartOptions.env was another kind). */
  env: RecordingEnv;
  kv: KvStore;
  /** Host warnings (permission denials, drops, refusals). */
  warnings: string[];
  /** Plugin log entries (owncast.log.*) and console output. */
  logs: { slug: string; level: string; message: string }[];
  /** The fs sandboxes' base directory. */
  storageDir: string;
  /**
   * Calls a route; resolves with its result, rejects with the plugin's caught error message.
   * `context` is the call context host functions see (e.g. {slug, authSink} for auth sessions).
   */
  call<T = unknown>(route: string, args?: unknown, context?: unknown): Promise<T>;
  /** Calls a route and returns the raw {result?, error?}. */
  raw(route: string, args?: unknown, context?: unknown): Promise<{ result?: unknown; error?: string }>;
  /** Delivers an on_event envelope. */
  event(eventType: string, payload?: unknown): Promise<void>;
  close(): Promise<void>;
}

/** Files held in memory, as an .ocpkg's assets/ would be. */
export function memoryFiles(files: Record<string, string | Uint8Array>): FileSource {
  const enc = new TextEncoder();
  return {
    read: (path) => {
      const v = files[path];
      return v === undefined ? null : typeof v === 'string' ? enc.encode(v) : v;
    },
    list: () => Object.keys(files).sort(),
  };
}

export async function startPlugin(name: string, opts: StartOptions = {}): Promise<Running> {
  const source = await buildSource(fixtureDir(name), 'js');
  const parsed = parseManifest(source.manifestJson);
  if (!parsed.ok || !parsed.manifest) throw new Error(`fixture ${name}: ${parsed.errors[0]?.message}`);
  const manifest = { ...parsed.manifest, permissions: opts.permissions ?? parsed.manifest.permissions };
  const identity = identityFromManifest(manifest, source.manifestJson, {
    assets: opts.assets ?? null,
    configOverrides: opts.configOverrides ?? {},
  });

  const warnings: string[] = [];
  const logs: Running['logs'] = [];
  const storageDir = await mkdtemp(join(tmpdir(), 'ocp-fnstore-'));
  let deps = opts.sharedDeps;
  let ownKv: KvStore | null = null;
  if (!deps) {
    ownKv = openKvStore(':memory:');
    deps = {
      env: opts.env ?? createRecordingEnv(),
      kv: ownKv,
      log: { warn: (m) => warnings.push(m), plugin: (slug, level, message) => logs.push({ slug, level, message }) },
      fs: createFsSandboxes(storageDir, {
        onRefused: (slug, op, path, reason) => warnings.push(`owncast_fs_${op} from ${slug}: refused ${JSON.stringify(path)}: ${reason}`),
      }),
      ...opts.deps,
    };
  }
  const instance = await PluginInstance.create({
    module: await loadEngineModule(),
    config: { __slug: identity.slug, script: source.script!, manifest: source.manifestJson },
    hostFunctions: buildHostFunctions(identity, deps),
    logger: {
      debug: (m) => logs.push({ slug: identity.slug, level: 'debug', message: m }),
      info: (m) => logs.push({ slug: identity.slug, level: 'info', message: m }),
      warn: (m) => logs.push({ slug: identity.slug, level: 'warn', message: m }),
      error: (m) => logs.push({ slug: identity.slug, level: 'error', message: m }),
    },
  });
  await instance.call('register');

  const raw = async (route: string, args: unknown = {}, context?: unknown) => {
    const request = {
      method: 'POST',
      path: route,
      query: {},
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(args),
      remoteAddr: '127.0.0.1',
      authenticated: false,
    };
    const out = JSON.parse((await instance.call('on_http_request', JSON.stringify(request), context)).text()) as { status: number; body: string };
    if (out.status === 404) throw new Error(`fixture ${name} has no route ${route}`);
    return JSON.parse(out.body) as { result?: unknown; error?: string };
  };

  return {
    slug: identity.slug,
    identity,
    instance,
    deps,
    env: deps.env as RecordingEnv,
    kv: deps.kv,
    warnings,
    logs,
    storageDir,
    raw,
    async call<T>(route: string, args?: unknown, context?: unknown): Promise<T> {
      const r = await raw(route, args, context);
      if (r.error !== undefined) throw new Error(r.error);
      return r.result as T;
    },
    async event(eventType, payload = null) {
      await instance.call('on_event', JSON.stringify({ eventType, payload }));
    },
    async close() {
      await instance.close();
      ownKv?.close();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}
