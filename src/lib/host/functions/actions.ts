import type { ActionButton } from '../../manifest/index.js';
import type { KvStore } from '../storage/kv.js';
import type { Impls } from './common.js';
import type { HostDeps } from './deps.js';
import { ACTION_BUTTON, decode, encode } from './wire.js';

/** The plugin-KV key holding the runtime action buttons (production RuntimeActionsConfigKey). */
export const RUNTIME_ACTIONS_KEY = 'owncast.actions';

const actionList = { slice: { struct: ACTION_BUTTON } } as const;

function withZeroValues(a: Partial<ActionButton>): ActionButton {
  return { title: '', url: '', html: '', icon: '', color: '', description: '', openExternally: false, ...a };
}

/**
 * production validateRuntimeActions: the manifest's action rules (src/lib/manifest
 * validateActions) with the runtime path's messages. Returns the rewritten buttons or the
 * first problem.
 */
export function validateRuntimeActions(
  slug: string,
  hasHttpServe: boolean,
  actions: ActionButton[],
): { ok: true; actions: ActionButton[] } | { ok: false; error: string } {
  const prefix = `/plugins/${slug}/`;
  const out = actions.map((a) => ({ ...a }));
  for (const [i, a] of out.entries()) {
    if (a.title === '') return { ok: false, error: `actions[${i}].title is required` };
    if ((a.url !== '') === (a.html !== '')) return { ok: false, error: `actions[${i}]: exactly one of url or html is required` };
    if (a.url === '') continue;
    if (a.url.startsWith('/') && !a.url.startsWith('/plugins/')) a.url = prefix + a.url.slice(1);
    if (a.url.startsWith(prefix) && !hasHttpServe) {
      return { ok: false, error: `actions[${i}].url targets this plugin (${a.url}) but http.serve permission is not declared` };
    }
    if (a.url.startsWith('/plugins/') && !a.url.startsWith(prefix)) {
      return { ok: false, error: `actions[${i}].url points at another plugin's namespace: ${a.url}` };
    }
  }
  for (const [i, a] of out.entries()) {
    let icon = a.icon;
    if (icon === '' || icon.startsWith('http://') || icon.startsWith('https://')) continue;
    if (icon.startsWith('/') && !icon.startsWith('/plugins/')) icon = prefix + icon.slice(1);
    if (icon.startsWith(prefix) && !hasHttpServe) {
      return { ok: false, error: `actions[${i}].icon: targets this plugin (${icon}) but http.serve permission is not declared` };
    }
    if (icon.startsWith('/plugins/') && !icon.startsWith(prefix)) {
      return { ok: false, error: `actions[${i}].icon: points at another plugin's namespace: ${icon}` };
    }
    a.icon = icon;
  }
  return { ok: true, actions: out };
}

/** The runtime buttons a plugin added (for /api/plugins/actions); a corrupt value counts as none. */
export function readRuntimeActions(kv: KvStore, slug: string): ActionButton[] {
  const raw = kv.get(slug, RUNTIME_ACTIONS_KEY);
  if (!raw) return [];
  const decoded = decode<Partial<ActionButton>[]>(raw, actionList);
  return decoded.ok && decoded.value ? decoded.value.map(withZeroValues) : [];
}

/** ui.modify: runtime action buttons, stored in the plugin's own KV namespace (no storage.kv needed). */
export function actionFunctions(deps: HostDeps): Impls {
  return {
    owncast_add_actions: (c) => {
      const { slug, manifest } = c.caller;
      const decoded = decode<Partial<ActionButton>[]>(c.text(0), actionList);
      if (!decoded.ok) return deps.log.warn(`owncast_add_actions from ${slug}: invalid JSON: ${decoded.error}`);
      // production reads http.serve from the manifest, like the manifest's own actions
      const checked = validateRuntimeActions(slug, manifest.permissions.includes('http.serve'), (decoded.value ?? []).map(withZeroValues));
      if (!checked.ok) return deps.log.warn(`owncast_add_actions from ${slug}: ${checked.error}`);
      const combined = [...readRuntimeActions(deps.kv, slug), ...checked.actions];
      deps.kv.set(slug, RUNTIME_ACTIONS_KEY, encode(actionList, combined));
    },
    owncast_clear_actions: (c) => deps.kv.delete(c.caller.slug, RUNTIME_ACTIONS_KEY),
  };
}
