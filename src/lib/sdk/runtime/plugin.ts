// definePlugin, the derived subscriptions/commands, and dispatch of host calls to the
// plugin's handlers. Dispatch functions return the handler's result, or a promise of it
// when the handler is async; they never catch a handler's error.

import {
  FILTER,
  FILTER_METHOD,
  HANDLERS,
  InternalEvents,
  NOTIFY,
  NOTIFY_METHOD,
  filter,
} from "./constants.js";
import { fireTimer, owncast } from "./owncast.js";

type Obj = Record<string, any>;
type Fn = (...args: any[]) => any;

export interface CommandInfo {
  name: string;
  prefix: string;
  description: string;
  usage: string;
  aliases: string[];
  modOnly: boolean;
  caseSensitive: boolean;
  cooldownMs: number;
}

const DEFAULT_PREFIX = "!";
const DEFAULT_PRIORITY = 100;
const hasOwn = Object.prototype.hasOwnProperty;

let registered: Obj | null = null;
let commandList: CommandInfo[] = [];

const isObj = (x: unknown): x is Obj => x !== null && typeof x === "object";
const isFn = (x: unknown): x is Fn => typeof x === "function";
const isThenable = (x: unknown): x is PromiseLike<unknown> =>
  x !== null && (typeof x === "object" || typeof x === "function") && isFn((x as Obj).then);
const toUndefined = (): undefined => undefined;

/** undefined for a synchronous result; a promise of undefined for an async one. */
function settle(result: unknown): Promise<undefined> | undefined {
  return isThenable(result) ? Promise.resolve(result).then(toUndefined) : undefined;
}

/** Applies `map` to a result, after it resolves when it is a promise. */
function then<T, R>(result: T | PromiseLike<T>, map: (value: T) => R): R | Promise<R> {
  return isThenable(result) ? Promise.resolve(result).then(map) : map(result as T);
}

function own(table: unknown, key: string): any {
  return isObj(table) && hasOwn.call(table, key) ? table[key] : undefined;
}

function describeCommandTable(def: Obj): CommandInfo[] {
  if (!isObj(def.commands)) return [];
  const prefix = def.commandPrefix == null ? DEFAULT_PREFIX : def.commandPrefix;
  if (typeof prefix !== "string" || prefix.length === 0) {
    throw new TypeError("commandPrefix must be a non-empty string");
  }
  const caseSensitive = !!def.commandsCaseSensitive;
  const out: CommandInfo[] = [];
  for (const name of Object.keys(def.commands)) {
    const command = def.commands[name];
    if (!isObj(command)) throw new TypeError(`command "${name}" must be an object`);
    const aliases = command.aliases == null ? [] : command.aliases;
    if (!Array.isArray(aliases) || !aliases.every((alias) => typeof alias === "string")) {
      throw new TypeError(`command "${name}" aliases must be an array of strings`);
    }
    const cooldownMs = command.cooldownMs == null ? 0 : command.cooldownMs;
    if (!Number.isSafeInteger(cooldownMs) || cooldownMs < 0) {
      throw new TypeError(`command "${name}" cooldownMs must be a non-negative integer`);
    }
    out.push({
      name,
      prefix,
      description: command.description ? String(command.description) : "",
      usage: command.usage ? String(command.usage) : "",
      aliases: aliases.slice(),
      modOnly: !!command.modOnly,
      caseSensitive,
      cooldownMs,
    });
  }
  return out;
}

/** Registers the plugin definition (the last call wins) and returns it. */
export function definePlugin<T>(def: T): T {
  const commands = isObj(def) ? describeCommandTable(def) : [];
  registered = isObj(def) ? def : null;
  commandList = commands;
  return def;
}

/** {notify:[{event}], filter:[{event, priority}]}: typed handlers in table order, then `on` keys. */
export function describeSubscriptions(): { notify: Obj[]; filter: Obj[] } {
  const notify: Obj[] = [];
  const filters: Obj[] = [];
  const def = registered;
  if (def) {
    const priority = typeof def.filterPriority === "number" ? def.filterPriority : DEFAULT_PRIORITY;
    for (const [method, event, kind] of HANDLERS) {
      if (!isFn(def[method])) continue;
      if (kind === NOTIFY) notify.push({ event });
      else if (kind === FILTER) filters.push({ event, priority });
    }
    if (isObj(def.on)) for (const event of Object.keys(def.on)) notify.push({ event });
  }
  return { notify, filter: filters };
}

/** The validated `commands` table, as reported by register(). */
export function describeCommands(): CommandInfo[] {
  return commandList.slice();
}

function dispatchCommand(event: unknown): unknown {
  if (!isObj(event) || !registered) return undefined;
  const command = own(registered.commands, event.command);
  if (!isObj(command) || !isFn(command.run)) return undefined;
  const msg = event.message;
  return command.run({
    msg,
    user: msg ? msg.user : undefined,
    command: event.command,
    invokedAs: event.invokedAs || event.command,
    args: Array.isArray(event.args) ? event.args : [],
    argString: event.argString || "",
    reply(message: string): void {
      owncast.chat.send(message);
    },
    replyPrivately(message: string): void {
      if (!owncast.chat.replyTo(msg, message)) owncast.chat.send(message);
    },
  });
}

/** on_event: internal events, then the typed handler, else `on[eventType]`. */
export function dispatchEvent(envelope: Obj): Promise<undefined> | undefined {
  const type = envelope.eventType;
  const payload = envelope.payload;
  if (type === InternalEvents.TimerFire) return settle(fireTimer(isObj(payload) ? payload.id : undefined));
  if (type === InternalEvents.ChatCommand) return settle(dispatchCommand(payload));
  const def = registered;
  if (!def) return undefined;
  const method = NOTIFY_METHOD[type];
  if (method !== undefined && isFn(def[method])) return settle(def[method](payload));
  const handler = own(def.on, type);
  if (isFn(handler)) return settle(def.on[type](payload));
  return undefined;
}

const passResult = (result: unknown): unknown => result || filter.pass();

/** on_filter: the filter handler's result; none, or a falsy result, is pass. */
export function dispatchFilter(envelope: Obj): unknown {
  const def = registered;
  if (!def) return filter.pass();
  const method = FILTER_METHOD[envelope.eventType];
  if (method === undefined || !isFn(def[method])) return filter.pass();
  return then(def[method](envelope.payload), passResult);
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function base64(data: ArrayBufferView | ArrayBuffer): string {
  const b = ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
  let out = "";
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const n = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    out += BASE64[n >> 18] + BASE64[(n >> 12) & 63] + BASE64[(n >> 6) & 63] + BASE64[n & 63];
  }
  if (i < b.length) {
    const n = (b[i] << 16) | (i + 1 < b.length ? b[i + 1] << 8 : 0);
    out += BASE64[n >> 18] + BASE64[(n >> 12) & 63] + (i + 1 < b.length ? BASE64[(n >> 6) & 63] : "=") + "=";
  }
  return out;
}

function httpResponse(out: unknown): Obj {
  if (!out) return { status: 200, headers: {}, body: "" };
  const o = out as Obj;
  const res: Obj = { status: o.status || 200, headers: o.headers || {} };
  const body = o.body;
  if (body != null && typeof body === "object" && (ArrayBuffer.isView(body) || body instanceof ArrayBuffer)) {
    res.bodyBase64 = base64(body);
  } else if (body == null && typeof o.bodyBase64 === "string") {
    res.bodyBase64 = o.bodyBase64;
  } else {
    res.body = body == null ? "" : String(body);
  }
  return res;
}

/** on_http_request: {status, headers, body}; no handler → 404, a falsy result → empty 200. */
export function dispatchHttp(request: Obj): unknown {
  const def = registered;
  if (!def || !isFn(def.onHttpRequest)) return { status: 404, headers: {}, body: "" };
  return then(def.onHttpRequest(request), httpResponse);
}

const authResult = (result: unknown): unknown => result || { action: "ok" };

/** on_auth_check: the verdict of onAuthCheck; no handler, or a falsy result, is {action:"ok"}. */
export function dispatchAuthCheck(request: Obj): unknown {
  const def = registered;
  if (!def || !isFn(def.onAuthCheck)) return { action: "ok" };
  return then(def.onAuthCheck(request), authResult);
}

const contentString = (result: unknown): string => (result ? String(result) : "");

function content(method: string, request?: Obj): string | Promise<string> {
  const def = registered;
  if (!def || !isFn(def[method])) return "";
  return then(request === undefined ? def[method]() : def[method](request), contentString);
}

export function dispatchTabContent(request: Obj): string | Promise<string> {
  return content("onTabContent", request);
}

export function dispatchPageContent(request: Obj): string | Promise<string> {
  return content("onPageContent", request);
}

export function dispatchPageStyles(): string | Promise<string> {
  return content("onPageStyles");
}

export function dispatchPageScripts(): string | Promise<string> {
  return content("onPageScripts");
}

export { then };
