// owncast.*: thin wrappers over the production host functions (extism:host/user).
// An ungranted call is a host-side no-op returning 0, which becomes the documented
// fallback here (reference SDK D.4, production SDK for the newer namespaces).

import { bytesArg, json, type HttpGlobal, type OcHost } from "./host.js";

declare const __ocHost: OcHost;
declare const Http: HttpGlobal;

type Obj = Record<string, any>;

const emptyList = (): any[] => [];
const emptyObject = (): Obj => ({});
const noResult = (): null => null;

function text(name: string, value: unknown): void {
  __ocHost.call(name, String(value));
}

/** {ok, error?} results of fs.write / fs.delete: never throw, failure is reported. */
function fsResult(raw: string | null, failure: string): Obj {
  let out: unknown;
  try {
    out = raw ? JSON.parse(raw) : null;
  } catch {
    out = null;
  }
  if (out === null || typeof out !== "object" || Array.isArray(out)) {
    return { ok: false, error: failure };
  }
  return out as Obj;
}

/** Results that must succeed: offset 0, `error` or `ok: false` throw. */
function required(raw: string | null, failure: string): Obj {
  const out = raw ? JSON.parse(raw) : null;
  if (out === null || typeof out !== "object") throw new Error(failure);
  if (out.error || out.ok === false) throw new Error(out.error || failure);
  return out;
}

// ---- timers --------------------------------------------------------------------------

interface TimerEntry {
  fn: () => unknown;
  repeat: boolean;
}

let nextTimerId = 1;
const timers = new Map<number, TimerEntry>();

function schedule(fn: unknown, ms: unknown, repeat: boolean): number {
  if (typeof fn !== "function") throw new TypeError("owncast.timer: callback must be a function");
  const delay = Math.min(Math.max(0, Math.floor(Number(ms) || 0)), Number.MAX_SAFE_INTEGER);
  const id = nextTimerId++;
  if (__ocHost.call("owncast_timer_set", id, delay, repeat ? 1 : 0) !== 1) {
    throw new Error("owncast.timer: too many pending timers");
  }
  timers.set(id, { fn: fn as () => unknown, repeat });
  return id;
}

function clearTimer(id: unknown): void {
  if (typeof id !== "number" || !Number.isSafeInteger(id)) return;
  timers.delete(id);
  __ocHost.call("owncast_timer_clear", id);
}

/** Runs the callback of a fired timer (internal event "timer.fire"); one-shots are forgotten first. */
export function fireTimer(id: unknown): unknown {
  const entry = timers.get(id as number);
  if (!entry) return undefined;
  if (!entry.repeat) timers.delete(id as number);
  return entry.fn();
}

// ---- SQL -----------------------------------------------------------------------------

function sqlRequest(name: string, sql: unknown, params: unknown, maxRows?: number): Obj {
  const req: Obj = { sql: String(sql), params: params == null ? [] : Array.from(params as ArrayLike<unknown>) };
  if (maxRows) req.maxRows = maxRows;
  return required(__ocHost.call(name, JSON.stringify(req)), "SQL host call failed");
}

function sqlRows(result: Obj): Obj[] {
  const { columns, rows } = result;
  if (!Array.isArray(columns) || !Array.isArray(rows)) throw new Error("SQL host returned an invalid result");
  const out: Obj[] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const values = rows[r];
    if (!Array.isArray(values)) throw new Error("SQL host returned an invalid result");
    const row: Obj = {};
    for (let c = 0; c < columns.length; c++) row[columns[c]] = values[c];
    out[r] = row;
  }
  return out;
}

const sql = {
  /** Runs statements in one transaction; returns {rowsAffected, lastInsertId}. Throws on error. */
  exec(statement: string, params?: unknown[]): Obj {
    return sqlRequest("owncast_sql_exec", statement, params);
  },
  /** Runs a query; returns rows as objects keyed by column. Throws on error. */
  query(statement: string, params?: unknown[]): Obj[] {
    return sqlRows(sqlRequest("owncast_sql_query", statement, params));
  },
  /** First row of a query (asks the host for one row), or null. */
  queryRow(statement: string, params?: unknown[]): Obj | null {
    return sqlRows(sqlRequest("owncast_sql_query", statement, params, 1))[0] || null;
  },
};

// ---- the API ---------------------------------------------------------------------------

function log(name: string, args: unknown[]): void {
  __ocHost.call(name, args.length === 1 ? String(args[0]) : args.map(String).join(" "));
}

export const owncast = {
  chat: {
    send(message: string): void {
      text("owncast_send_chat", message);
    },
    sendAction(message: string): void {
      text("owncast_send_chat_action", message);
    },
    system(html: string): void {
      text("owncast_send_chat_system", html);
    },
    sendTo(clientId: number | bigint, message: string): void {
      __ocHost.call("owncast_send_chat_to", BigInt(clientId), String(message));
    },
    replyTo(msgOrClientId: unknown, message: string): boolean {
      const clientId =
        msgOrClientId !== null && typeof msgOrClientId === "object"
          ? (msgOrClientId as Obj).clientId
          : msgOrClientId;
      if (clientId == null) return false;
      owncast.chat.sendTo(clientId as number, message);
      return true;
    },
    history(limit?: number): Obj[] {
      return json(__ocHost.call("owncast_chat_history", Math.trunc(Number(limit)) || 0), emptyList);
    },
    clients(): Obj[] {
      return json(__ocHost.call("owncast_chat_clients"), emptyList);
    },
    deleteMessage(id: string): void {
      text("owncast_delete_message", id);
    },
    kick(clientId: number | bigint): void {
      __ocHost.call("owncast_kick_client", BigInt(clientId));
    },
  },

  users: {
    list(): Obj[] {
      return json(__ocHost.call("owncast_users_list"), emptyList);
    },
    get(id: string): Obj | null {
      return json(__ocHost.call("owncast_user_get", String(id)), noResult);
    },
    setEnabled(id: string, enabled: boolean, reason?: string): void {
      __ocHost.call("owncast_user_set_enabled", String(id), enabled ? 1 : 0, String(reason || ""));
    },
    banIP(ip: string): void {
      text("owncast_ban_ip", ip);
    },
    register(opts: string | Obj): Obj {
      const req = typeof opts === "string" ? { authId: opts } : opts || {};
      return required(__ocHost.call("owncast_users_register", JSON.stringify(req)), "users.register failed");
    },
  },

  auth: {
    grantSession(opts: string | Obj): void {
      const req = typeof opts === "string" ? { userId: opts } : opts || {};
      required(__ocHost.call("owncast_auth_grant_session", JSON.stringify(req)), "auth.grantSession failed");
    },
    endSession(): void {
      __ocHost.call("owncast_auth_end_session");
    },
  },

  storage: {
    upload(name: string, data: unknown): Obj | null {
      return json(__ocHost.call("owncast_storage_upload", String(name), bytesArg(data)), noResult);
    },
    sql,
  },

  sql,

  fs: {
    read(path: string): Uint8Array | null {
      return __ocHost.callBytes("owncast_fs_read", String(path));
    },
    readText(path: string): string | null {
      return __ocHost.call("owncast_fs_read", String(path));
    },
    write(path: string, data: unknown): Obj {
      return fsResult(__ocHost.call("owncast_fs_write", String(path), bytesArg(data)), "write failed");
    },
    list(dir?: string): string[] {
      return json(__ocHost.call("owncast_fs_list", String(dir || "")), emptyList);
    },
    delete(path: string): Obj {
      return fsResult(__ocHost.call("owncast_fs_delete", String(path)), "delete failed");
    },
    exists(path: string): boolean {
      return __ocHost.call("owncast_fs_exists", String(path)) === 1;
    },
  },

  fediverse: {
    post(message: string): Obj | null {
      return json(__ocHost.call("owncast_fediverse_post", String(message)), noResult);
    },
  },

  notifications: {
    discord(message: string): void {
      text("owncast_notify_discord", message);
    },
    browserPush(payload: string | Obj): void {
      const body = typeof payload === "string" ? { title: payload } : payload;
      __ocHost.call("owncast_notify_browser_push", JSON.stringify(body));
    },
    fediverse(payload: Obj): void {
      __ocHost.call("owncast_notify_fediverse", JSON.stringify(payload));
    },
  },

  stream: {
    current(): Obj {
      return json(__ocHost.call("owncast_stream_current"), () => ({ online: false, viewers: 0 }));
    },
    broadcaster(): Obj {
      return json(__ocHost.call("owncast_stream_broadcaster"), emptyObject);
    },
  },

  server: {
    info(): Obj {
      return json(__ocHost.call("owncast_server_info"), emptyObject);
    },
    socials(): Obj[] {
      return json(__ocHost.call("owncast_server_socials"), emptyList);
    },
    emotes(): Obj[] {
      return json(__ocHost.call("owncast_server_emotes"), emptyList);
    },
    federation(): Obj {
      return json(__ocHost.call("owncast_server_federation"), () => ({ enabled: false }));
    },
    tags(): string[] {
      return json(__ocHost.call("owncast_server_tags"), emptyList);
    },
  },

  videoConfig: {
    read(): Obj {
      return json(__ocHost.call("owncast_video_config_read"), () => ({
        latencyLevel: 0,
        codec: "",
        variants: [],
      }));
    },
    write(update?: Obj): void {
      required(
        __ocHost.call("owncast_video_config_write", JSON.stringify(update || {})),
        "videoConfig.write failed",
      );
    },
  },

  kv: {
    get(key: string): string | null {
      const raw = __ocHost.call("owncast_kv_get", String(key));
      return raw == null ? null : raw;
    },
    set(key: string, value: unknown): void {
      __ocHost.call("owncast_kv_set", String(key), String(value));
    },
    getJSON(key: string, fallback?: unknown): unknown {
      const raw = owncast.kv.get(key);
      if (raw == null) return fallback;
      try {
        return JSON.parse(raw);
      } catch {
        return fallback;
      }
    },
    setJSON(key: string, value: unknown): void {
      owncast.kv.set(key, JSON.stringify(value));
    },
  },

  config: {
    get(key: string, fallback?: unknown): unknown {
      const raw = __ocHost.call("owncast_config_get", String(key));
      return raw ? JSON.parse(raw) : fallback;
    },
  },

  assets: {
    read(path: string): Uint8Array | null {
      return __ocHost.callBytes("owncast_asset_read", String(path));
    },
    readText(path: string): string | null {
      return __ocHost.call("owncast_asset_read", String(path));
    },
  },

  log: {
    info(...message: unknown[]): void {
      log("owncast_log_info", message);
    },
    warning(...message: unknown[]): void {
      log("owncast_log_warning", message);
    },
    /** Alias of warning(). */
    warn(...message: unknown[]): void {
      log("owncast_log_warning", message);
    },
    error(...message: unknown[]): void {
      log("owncast_log_error", message);
    },
  },

  events: {
    emit(eventType: string, payload?: unknown): void {
      const body = JSON.stringify(payload);
      __ocHost.call("owncast_emit_event", String(eventType), body === undefined ? "" : body);
    },
  },

  actions: {
    add(buttons: Obj | Obj[]): void {
      __ocHost.call("owncast_add_actions", JSON.stringify(Array.isArray(buttons) ? buttons : [buttons]));
    },
    clear(): void {
      __ocHost.call("owncast_clear_actions");
    },
  },

  sse: {
    send(channel: string, event: string, data: unknown): void {
      const body = typeof data === "string" ? data : JSON.stringify(data);
      __ocHost.call(
        "owncast_sse_send",
        String(channel || ""),
        String(event || ""),
        body === undefined ? "" : body,
      );
    },
  },

  timer: {
    setTimeout(fn: () => unknown, ms: number): number {
      return schedule(fn, ms, false);
    },
    setInterval(fn: () => unknown, ms: number): number {
      return schedule(fn, ms, true);
    },
    clear(id: number): void {
      clearTimer(id);
    },
    /** Alias of clear(). */
    clearTimeout(id: number): void {
      clearTimer(id);
    },
    /** Alias of clear(). */
    clearInterval(id: number): void {
      clearTimer(id);
    },
  },

  http: {
    fetch(url: string, opts?: { method?: string; headers?: Record<string, string>; body?: unknown }) {
      const o = opts || {};
      const req = { url: String(url), method: o.method || "GET", headers: o.headers || {} };
      const res = o.body != null ? Http.request(req, String(o.body)) : Http.request(req);
      return { status: res.status, headers: res.headers || {}, body: res.body || "" };
    },
  },
};
