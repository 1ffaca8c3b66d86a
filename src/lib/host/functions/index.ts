import type { HostFunctionSpec } from '../../engine/host-functions.js';
import { createHostCallRunner, createHostFunctions, type HostCallRunner, type HostFunctionOptions } from '../host-functions.js';
import type { HostFunction } from '../instance.js';
import type { PluginIdentity } from '../types.js';
import { actionFunctions } from './actions.js';
import { ambientFunctions } from './ambient.js';
import { authFunctions } from './auth.js';
import { chatFunctions } from './chat.js';
import type { Impls } from './common.js';
import type { HostDeps } from './deps.js';
import { eventFunctions } from './events.js';
import { notifyFunctions, type PostLog } from './notify.js';
import { serverFunctions } from './server.js';
import { sqlFunctions } from './sql.js';
import { storageFunctions } from './storage.js';
import { usersFunctions } from './users.js';
import { videoFunctions } from './video.js';

export type { Clock, EventSink, HostDeps, SqlService, TimerService } from './deps.js';
export type { Call as HostFunctionCall, Impl as HostFunctionImpl } from './common.js';
export { readRuntimeActions, RUNTIME_ACTIONS_KEY, validateRuntimeActions } from './actions.js';
export { GRANT_OUTSIDE_HTTP } from './auth.js';
export { CHAT_HISTORY_DEFAULT } from './chat.js';
export { MAX_TIMER_DELAY_MS, RESERVED_EVENT_TYPES } from './events.js';
export { LOG_TRUNCATION_SUFFIX, MAX_PLUGIN_LOG_MESSAGE_BYTES, sanitizePluginLogMessage } from './log.js';
export { FEDIVERSE_POSTS_PER_HOUR } from './notify.js';
export { SQL_UNAVAILABLE } from './sql.js';
export { FS_UNAVAILABLE, KV_KEY_MAX_BYTES, KV_VALUE_MAX_BYTES } from './storage.js';
export { ASSIGNABLE_USER_SCOPES, namespacedAuthId } from './users.js';
export { videoConfigUpdateProblem } from './video.js';

/** State that outlives one plugin's build: rate-limit history and the warnings already given. */
interface SharedState {
  implementations: Impls;
  deniedWarned: Set<string>;
}

const shared = new WeakMap<HostDeps, SharedState>();

function stateFor(deps: HostDeps): SharedState {
  let state = shared.get(deps);
  if (!state) {
    state = { implementations: implementationsOver(deps, new Map()), deniedWarned: new Set() };
    shared.set(deps, state);
  }
  return state;
}

function implementationsOver(deps: HostDeps, posts: PostLog): Impls {
  return {
    ...chatFunctions(deps),
    ...serverFunctions(deps),
    ...usersFunctions(deps),
    ...authFunctions(deps),
    ...storageFunctions(deps),
    ...sqlFunctions(deps),
    ...eventFunctions(deps),
    ...notifyFunctions(deps, posts),
    ...videoFunctions(deps),
    ...actionFunctions(deps),
    ...ambientFunctions(deps),
  };
}

/**
 * The bodies of all 49 host functions over `deps`, keyed by import name. Like production,
 * they are shared by every plugin and resolve the caller per call (HostCall.caller); build
 * them once per host. The permission gate is not in here: buildHostFunctions adds it.
 */
export function createHostImplementations(deps: HostDeps): Impls {
  return stateFor(deps).implementations;
}

/**
 * One plugin's extism:host/user imports: every production host function, gated by the
 * identity's permissions (read on every call). An ungranted call does nothing and returns 0,
 * and the first such call per plugin and function logs a warning naming the plugin, the
 * function and the permission to add. Builds over the same HostDeps share rate limits and
 * the once-only warnings.
 */
export function buildHostFunctions(identity: PluginIdentity, deps: HostDeps): Record<string, HostFunction> {
  return createHostFunctions<PluginIdentity>(hostFunctionOptions(identity, deps));
}

/**
 * The same functions without the plugin's memory (host-functions.ts createHostCallRunner):
 * what a plugin running in its own thread reaches, by name, with the arguments it read out.
 */
export function buildHostCallRunner(identity: PluginIdentity, deps: HostDeps): HostCallRunner {
  return createHostCallRunner<PluginIdentity>(hostFunctionOptions(identity, deps));
}

function hostFunctionOptions(identity: PluginIdentity, deps: HostDeps): HostFunctionOptions<PluginIdentity> {
  const state = stateFor(deps);
  return {
    caller: identity,
    implementations: state.implementations,
    onDenied: (fn: HostFunctionSpec, who) => {
      const key = `${who.slug}\0${fn.name}`;
      if (state.deniedWarned.has(key)) return;
      state.deniedWarned.add(key);
      deps.log.warn(
        `${fn.name}: plugin "${who.slug}" lacks permission "${fn.permission}"; the call did nothing. ` +
          `Add "${fn.permission}" to "permissions" in plugin.manifest.json.`,
      );
    },
    onError: (fn, err) =>
      deps.log.warn(
        `${fn.name}: the host failed while serving plugin "${identity.slug}": ${err instanceof Error ? err.message : String(err)}`,
      ),
  };
}
