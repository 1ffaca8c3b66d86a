// Runs a plugin's register() in the sandbox, as the production host does at load (and at
// upload, in its preflight): the real engine, a PluginHost whose Owncast is a recording
// fake, no network, storage thrown away. What it reports is what the host would see:
// subscriptions, commands, version, and whether the agreement checks would refuse the load.

import { PluginError } from '../errors.js';
import { parseManifest, type Manifest } from '../manifest/index.js';
import { createRecordingEnv } from '../host/env/index.js';
import { PluginHost, type PluginSource } from '../host/host.js';
import { AgreementError, checkRegistration } from '../host/manager/agreement.js';
import type { PluginCommand } from '../host/types.js';

/** What register() runs on: a plugin source as the host loads it, without admin config. */
export type RegisterInput = Omit<PluginSource, 'configOverrides'>;

export interface RegisterReport {
  /** register() ran and the host's agreement checks pass: the host would load it. */
  ok: boolean;
  subscriptions: { notify: { event: string }[]; filter: { event: string; priority: number }[] };
  commands: PluginCommand[];
  /** register()'s version ('' when it reports none). */
  version: string;
  /** Why the host would refuse the load after register() (production's words), if it would. */
  refusal?: string;
  /** register() itself failed: the script threw at top level, ran out of time, returned junk. */
  failure?: string;
  /** The plugin's stack for a failure, source-mapped when possible. */
  stack?: string;
  /** Owncast services the top-level code called while loading (recording env, e.g. `chat.send`). */
  hostCalls: string[];
  /** What the plugin logged while loading. */
  logs: { level: string; message: string }[];
  /** The host's warnings while loading (ungranted calls, ...). */
  warnings: string[];
  durationMs: number;
}

/**
 * Loads the plugin into a throwaway host and reads what register() reported. The manifest is
 * loaded with chat.filter and fediverse.inbound added, so that a plugin the host would refuse
 * for lacking them still reports its subscriptions; the refusal is then computed against the
 * manifest as written, with the host's own checks.
 */
export async function runRegister(input: RegisterInput): Promise<RegisterReport> {
  const started = performance.now();
  const parsed = parseManifest(input.manifestJson);
  if (!parsed.ok || !parsed.manifest) throw new Error('runRegister needs a valid manifest');
  // Starting the SQL service costs about two seconds and few plugins touch SQL at load: try
  // without it, and again with a throwaway database when a storage.sql plugin failed.
  const first = await attempt(input, parsed.manifest, false);
  const report =
    first.failure !== undefined && parsed.manifest.permissions.includes('storage.sql') ? await attempt(input, parsed.manifest, true) : first;
  return { ...report, durationMs: Math.round(performance.now() - started) };
}

async function attempt(input: RegisterInput, manifest: Manifest, withSql: boolean): Promise<RegisterReport> {
  const env = createRecordingEnv();
  const logs: RegisterReport['logs'] = [];
  const warnings: string[] = [];
  const host = new PluginHost({
    env,
    log: {
      warn: (message) => void warnings.push(message),
      plugin: (_slug, level, message) => void logs.push({ level, message }),
    },
    ...(withSql ? {} : { sql: null }),
    http: null,
  });
  const base = {
    subscriptions: { notify: [], filter: [] },
    commands: [],
    version: '',
    logs,
    warnings,
  };
  const added = ['chat.filter', 'fediverse.inbound'].filter((p) => !manifest.permissions.includes(p));
  try {
    let loaded;
    try {
      loaded = await host.load({
        manifestJson: withPermissions(input.manifestJson, added),
        ...(input.script !== undefined ? { script: input.script } : {}),
        ...(input.wasm !== undefined ? { wasm: input.wasm } : {}),
        ...(input.sourceMap !== undefined ? { sourceMap: input.sourceMap } : {}),
        ...(input.sourceMapFile !== undefined ? { sourceMapFile: input.sourceMapFile } : {}),
        assets: input.assets ?? null,
        publicFiles: input.publicFiles ?? null,
      });
    } catch (err) {
      if (!(err instanceof PluginError)) throw err;
      return {
        ...base,
        ok: false,
        failure: err.message,
        ...(err.pluginStack ? { stack: err.pluginStack } : {}),
        hostCalls: env.calls.map((c) => c.fn),
        durationMs: 0,
      };
    }
    const subscriptions = {
      notify: loaded.registration.subscriptions.notify.map((s) => ({ event: s.event })),
      filter: loaded.registration.subscriptions.filter.map((s) => ({ event: s.event, priority: s.priority })),
    };
    const raw = loaded.registration.raw;
    const version = typeof raw.version === 'string' ? raw.version : '';
    // What register() would have said with the manifest as written: the engine echoes the
    // config manifest, so the permissions added above come back and are taken out again.
    const output = { ...raw };
    if (Array.isArray(output.permissions)) output.permissions = (output.permissions as unknown[]).filter((p) => !added.includes(p as string));
    let refusal: string | undefined;
    try {
      checkRegistration(manifest, output);
    } catch (err) {
      if (!(err instanceof AgreementError)) throw err;
      refusal = err.message;
    }
    return {
      ok: refusal === undefined,
      subscriptions,
      commands: loaded.commands,
      version,
      ...(refusal === undefined ? {} : { refusal }),
      hostCalls: env.calls.map((c) => c.fn),
      logs,
      warnings: warnings.filter((w) => !/version differs/.test(w)),
      durationMs: 0,
    };
  } finally {
    await host.close();
  }
}

/** The manifest text with `missing` added to the permissions the host reads. */
function withPermissions(manifestJson: string, missing: string[]): string {
  if (missing.length === 0) return manifestJson;
  const doc = JSON.parse(manifestJson) as Record<string, unknown>;
  // Go matches keys case-insensitively and takes the last: extend the key the host reads.
  const key = Object.keys(doc).reverse().find((k) => k.toLowerCase() === 'permissions') ?? 'permissions';
  const list = Array.isArray(doc[key]) ? (doc[key] as unknown[]) : [];
  doc[key] = [...list, ...missing];
  return JSON.stringify(doc);
}
