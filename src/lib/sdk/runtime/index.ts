// The SDK runtime: evaluated once in every engine instance (at Wizer time), it defines
// the module `@owncast/plugin-sdk` as plugins see it and `globalThis.__ocpEntry`, the
// JavaScript side of the engine's nine exports (docs/engine-contract.md).

import { Events, FilterAction, Permissions, authCheck, filter } from "./constants.js";
import type { OcHost } from "./host.js";
import { owncast } from "./owncast.js";
import {
  definePlugin,
  describeCommands,
  describeSubscriptions,
  dispatchAuthCheck,
  dispatchEvent,
  dispatchFilter,
  dispatchHttp,
  dispatchPageContent,
  dispatchPageScripts,
  dispatchPageStyles,
  dispatchTabContent,
  then,
} from "./plugin.js";

declare const __ocHost: OcHost;

const SDK_NAME = "@owncast/plugin-sdk";

/** What `require("@owncast/plugin-sdk")` returns inside a plugin. */
const sdk = {
  definePlugin,
  owncast,
  filter,
  authCheck,
  FilterAction,
  Events,
  Permissions,
  // Internal (not in the type declarations), exported like the reference and production SDKs.
  describeSubscriptions,
  describeCommands,
  dispatchEvent,
  dispatchFilter,
  dispatchHttp,
  dispatchAuthCheck,
  dispatchTabContent,
  dispatchPageContent,
  dispatchPageStyles,
  dispatchPageScripts,
};

function requireModule(name: string): unknown {
  if (name === SDK_NAME) return sdk;
  throw new Error("plugin required unknown module: " + name);
}

let loaded = false;
let loadFailed = false;
let loadError: unknown;

/**
 * Evaluates the plugin once: `script`, else config "script". Without either it does
 * nothing (and a later call tries again). A load failure is rethrown now and by every
 * later call.
 */
function load(script?: string): void {
  if (loaded) return;
  if (loadFailed) throw loadError;
  const source = script != null ? script : __ocHost.config("script");
  if (!source) return;
  try {
    const factory = __ocHost.evalScript(source, "plugin.js");
    const module = { exports: {} };
    factory.call(module.exports, module, module.exports, requireModule);
  } catch (err) {
    loadFailed = true;
    loadError = err;
    throw err;
  }
  loaded = true;
}

const stringify = (value: unknown): string => JSON.stringify(value);
const parse = (input: string | undefined): any => JSON.parse(input as string);
const parseOptional = (input: string | undefined): any => (input ? JSON.parse(input) : {});

(globalThis as any).__ocpEntry = {
  register(): string {
    load();
    const base = JSON.parse(__ocHost.config("manifest") || "{}");
    return JSON.stringify(
      Object.assign({}, base, {
        subscriptions: describeSubscriptions(),
        commands: describeCommands(),
      }),
    );
  },
  on_event(input: string) {
    load();
    return dispatchEvent(parse(input));
  },
  on_filter(input: string) {
    load();
    return then(dispatchFilter(parse(input)), stringify);
  },
  on_http_request(input: string) {
    load();
    return then(dispatchHttp(parse(input)), stringify);
  },
  on_auth_check(input: string) {
    load();
    return then(dispatchAuthCheck(parseOptional(input)), stringify);
  },
  on_tab_content(input: string) {
    load();
    return dispatchTabContent(parseOptional(input));
  },
  on_page_content(input: string) {
    load();
    return dispatchPageContent(parseOptional(input));
  },
  on_page_styles() {
    load();
    return dispatchPageStyles();
  },
  on_page_scripts() {
    load();
    return dispatchPageScripts();
  },
  __load: load,
};
