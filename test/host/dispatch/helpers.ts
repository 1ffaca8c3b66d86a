// Real plugins, built by our compiler and run in the real engine, wired to a Dispatcher the way
// the host wires them: owncast_emit_event → dispatcher.emit, owncast_timer_* → dispatcher.timers.
// (PluginHost's own HostEnv has no timers and its emit goes nowhere, so the fixtures here are
// loaded with the same parts PluginHost.load uses.)
import { join } from 'node:path';

import { Dispatcher, namespaceSubscriptions, type DispatcherOptions } from '../../../src/lib/host/dispatch/index.js';
import { loadEngineModule } from '../../../src/lib/host/engine-module.js';
import { createHostFunctions, type HostImplementation } from '../../../src/lib/host/host-functions.js';
import { LoadedPlugin } from '../../../src/lib/host/host.js';
import { checkRegistration } from '../../../src/lib/host/manager/agreement.js';
import { PluginInstance } from '../../../src/lib/host/instance.js';
import type { CallablePlugin, PluginCommand } from '../../../src/lib/host/types.js';
import { identityFromManifest } from '../../../src/lib/host/identity.js';
import { parseManifest } from '../../../src/lib/manifest/index.js';
import { buildSource } from '../../helpers/host.js';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

export interface Harness {
  dispatcher: Dispatcher;
  /** Chat lines plugins sent, in order. */
  chat: { slug: string; text: string; kind: string }[];
  /** Texts of the chat lines one plugin sent. */
  said(slug: string): string[];
  /** Dispatcher warnings. */
  warnings: string[];
  /** System messages (the !help answers). */
  system: string[];
  disabled: { slug: string; reason: string }[];
  /** Per-plugin KV, "slug/key". Seed it before load for top-level reads. */
  kv: Map<string, string>;
  /** The snapshot the dispatcher reads; tests may remove plugins from it. */
  plugins: CallablePlugin[];
  load(fixture: string, opts?: { slug?: string; kv?: Record<string, string> }): Promise<CallablePlugin>;
  /** Takes a plugin out of the snapshot and closes its instance, as the manager's unload does. */
  unload(slug: string): Promise<void>;
  close(): Promise<void>;
}

/** A dispatcher over fixtures loaded from test/host/dispatch/fixtures. */
export function harness(opts: Partial<Omit<DispatcherOptions, 'plugins'>> = {}): Harness {
  const chat: Harness['chat'] = [];
  const warnings: string[] = [];
  const system: string[] = [];
  const disabled: Harness['disabled'] = [];
  const kv = new Map<string, string>();
  const plugins: CallablePlugin[] = [];
  const loaded = new Map<string, LoadedPlugin>();
  const dispatcher = new Dispatcher({
    plugins: () => plugins,
    log: { warn: (m) => warnings.push(m) },
    sendSystem: (text) => system.push(text),
    onDisabled: (slug, reason) => disabled.push({ slug, reason }),
    ...opts,
  });

  const implementations = (slug: string): Partial<Record<string, HostImplementation>> => ({
    owncast_send_chat: (c) => void chat.push({ slug, text: c.text(0), kind: 'chat' }),
    owncast_send_chat_system: (c) => void chat.push({ slug, text: c.text(0), kind: 'system' }),
    owncast_kv_get: (c) => kv.get(`${slug}/${c.text(0)}`) ?? null,
    owncast_kv_set: (c) => void kv.set(`${slug}/${c.text(0)}`, c.text(1)),
    owncast_emit_event: (c) => dispatcher.emit(slug, c.text(0), c.text(1)),
    owncast_timer_set: (c) => dispatcher.timers.set(slug, c.args[0] as bigint, c.args[1] as bigint, c.args[2] === 1n),
    owncast_timer_clear: (c) => dispatcher.timers.clear(slug, c.args[0] as bigint),
  });

  async function load(fixture: string, o: { slug?: string; kv?: Record<string, string> } = {}): Promise<CallablePlugin> {
    const source = await buildSource(fixture.startsWith('/') ? fixture : join(FIXTURES, fixture), 'js');
    const json = JSON.parse(source.manifestJson) as Record<string, unknown>;
    if (o.slug) json.slug = o.slug;
    const manifestJson = JSON.stringify(json);
    const parsed = parseManifest(manifestJson);
    if (!parsed.ok || !parsed.manifest) throw new Error(`fixture ${fixture}: ${parsed.errors[0]?.message}`);
    const manifest = parsed.manifest;
    const slug = manifest.slug;
    for (const [k, v] of Object.entries(o.kv ?? {})) kv.set(`${slug}/${k}`, v);
    const permissions = new Set(manifest.permissions);
    const hostFunctions = createHostFunctions({
      caller: { slug, permissions },
      implementations: implementations(slug),
      onError: (fn, err) => warnings.push(`${fn.name}: ${String(err)}`),
    });
    const log = (m: string) => void chat.push({ slug, text: m, kind: 'log' });
    const instance = await PluginInstance.create({
      module: await loadEngineModule(),
      config: { __slug: slug, manifest: manifestJson, script: source.script! },
      hostFunctions,
      logger: { debug: log, info: log, warn: log, error: log },
    });
    const identity = identityFromManifest(manifest, manifestJson);
    const empty = { subscriptions: { notify: [], filter: [] }, commands: [], raw: {} };
    const probe = new LoadedPlugin({ identity, registration: empty, registerOutput: '', notify: [], instance, mapper: null });
    const { runtime } = checkRegistration(manifest, await probe.call('register'));
    const registration = { subscriptions: runtime.subscriptions, commands: runtime.commands as PluginCommand[], raw: runtime.raw };
    const namespaced = namespaceSubscriptions(slug, registration.subscriptions.notify);
    if (namespaced.error) throw new Error(namespaced.error);
    const plugin = new LoadedPlugin({ identity, registration, registerOutput: '', notify: namespaced.notify, instance, mapper: null });
    loaded.set(slug, plugin);
    const callable: CallablePlugin = {
      slug,
      identity,
      subscriptions: { notify: namespaced.notify, filter: registration.subscriptions.filter },
      commands: registration.commands as PluginCommand[],
      call: (exportName, input, context) => plugin.call(exportName, input, context),
    };
    plugins.push(callable);
    return callable;
  }

  return {
    dispatcher,
    chat,
    said: (slug) => chat.filter((c) => c.slug === slug && c.kind !== 'log').map((c) => c.text),
    warnings,
    system,
    disabled,
    kv,
    plugins,
    load,
    async unload(slug) {
      plugins.splice(
        plugins.findIndex((p) => p.slug === slug),
        1,
      );
      dispatcher.forget(slug);
      await loaded.get(slug)?.close();
    },
    async close() {
      dispatcher.close();
      await dispatcher.idle();
      await Promise.all([...loaded.values()].map((p) => p.close()));
    },
  };
}

/** A chat message as production sends it (user object, clientId, RFC3339 timestamp). */
export function chat(body: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'm1',
    body,
    user: { id: 'u1', displayName: 'alice' },
    clientId: 7,
    timestamp: '2026-01-01T00:00:00Z',
    ...extra,
  };
}
