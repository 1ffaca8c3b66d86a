import vm from "node:vm";

import { describe, expect, it } from "vitest";

import { HOST_FUNCTIONS } from "./host-functions.js";
import { PRELUDE, loadPlugin, plain, type HostCall, type HostResult } from "./harness.js";

/** A fresh instance with a trivial plugin, and the SDK module it sees. */
async function sdkWith(results: Record<string, HostResult> = {}) {
  const p = await loadPlugin(PRELUDE, { results });
  return { p, sdk: p.sdk(), owncast: p.sdk().owncast };
}

interface Row {
  /** What the plugin calls, e.g. (o) => o.chat.send("hi"). */
  run: (owncast: any) => unknown;
  /** The host calls it must make. */
  calls: HostCall[];
  /** Host results to return. */
  results?: Record<string, HostResult>;
  /** The value the wrapper must return. */
  returns?: unknown;
}

const wrappers: Record<string, Row> = {
  "chat.send": { run: (o) => o.chat.send("hi"), calls: [{ name: "owncast_send_chat", args: ["hi"] }] },
  "chat.sendAction": {
    run: (o) => o.chat.sendAction("waves"),
    calls: [{ name: "owncast_send_chat_action", args: ["waves"] }],
  },
  "chat.system": {
    run: (o) => o.chat.system("<b>hi</b>"),
    calls: [{ name: "owncast_send_chat_system", args: ["<b>hi</b>"] }],
  },
  "chat.sendTo (number → bigint)": {
    run: (o) => o.chat.sendTo(42, "psst"),
    calls: [{ name: "owncast_send_chat_to", args: [42n, "psst"] }],
  },
  "chat.sendTo (bigint above 2^53)": {
    run: (o) => o.chat.sendTo(2n ** 60n, "big"),
    calls: [{ name: "owncast_send_chat_to", args: [2n ** 60n, "big"] }],
  },
  "chat.replyTo (message)": {
    run: (o) => o.chat.replyTo({ clientId: 9, body: "x" }, "back"),
    calls: [{ name: "owncast_send_chat_to", args: [9n, "back"] }],
    returns: true,
  },
  "chat.replyTo (client id)": {
    run: (o) => o.chat.replyTo(3, "back"),
    calls: [{ name: "owncast_send_chat_to", args: [3n, "back"] }],
    returns: true,
  },
  "chat.replyTo (no clientId)": { run: (o) => o.chat.replyTo({ body: "x" }, "back"), calls: [], returns: false },
  "chat.history default limit": {
    run: (o) => o.chat.history(),
    calls: [{ name: "owncast_chat_history", args: [0] }],
    results: { owncast_chat_history: [{ id: "1", body: "a", user: { id: "u", displayName: "U" } }] },
    returns: [{ id: "1", body: "a", user: { id: "u", displayName: "U" } }],
  },
  "chat.history limit": {
    run: (o) => o.chat.history(10.7),
    calls: [{ name: "owncast_chat_history", args: [10] }],
    results: { owncast_chat_history: [] },
    returns: [],
  },
  "chat.history fallback": {
    run: (o) => o.chat.history(5),
    calls: [{ name: "owncast_chat_history", args: [5] }],
    returns: [],
  },
  "chat.clients": {
    run: (o) => o.chat.clients(),
    calls: [{ name: "owncast_chat_clients", args: [] }],
    results: { owncast_chat_clients: [{ id: 1, messageCount: 2 }] },
    returns: [{ id: 1, messageCount: 2 }],
  },
  "chat.clients fallback": { run: (o) => o.chat.clients(), calls: [{ name: "owncast_chat_clients", args: [] }], returns: [] },
  "chat.deleteMessage": {
    run: (o) => o.chat.deleteMessage(123),
    calls: [{ name: "owncast_delete_message", args: ["123"] }],
  },
  "chat.kick": { run: (o) => o.chat.kick(5), calls: [{ name: "owncast_kick_client", args: [5n] }] },

  "users.list": {
    run: (o) => o.users.list(),
    calls: [{ name: "owncast_users_list", args: [] }],
    results: { owncast_users_list: [{ id: "u", displayName: "U" }] },
    returns: [{ id: "u", displayName: "U" }],
  },
  "users.list fallback": { run: (o) => o.users.list(), calls: [{ name: "owncast_users_list", args: [] }], returns: [] },
  "users.get": {
    run: (o) => o.users.get("u"),
    calls: [{ name: "owncast_user_get", args: ["u"] }],
    results: { owncast_user_get: { id: "u", displayName: "U" } },
    returns: { id: "u", displayName: "U" },
  },
  "users.get fallback": { run: (o) => o.users.get("nobody"), calls: [{ name: "owncast_user_get", args: ["nobody"] }], returns: null },
  "users.setEnabled": {
    run: (o) => o.users.setEnabled("u", false, "spam"),
    calls: [{ name: "owncast_user_set_enabled", args: ["u", 0, "spam"] }],
  },
  "users.setEnabled default reason": {
    run: (o) => o.users.setEnabled("u", true),
    calls: [{ name: "owncast_user_set_enabled", args: ["u", 1, ""] }],
  },
  "users.banIP": { run: (o) => o.users.banIP("10.0.0.1"), calls: [{ name: "owncast_ban_ip", args: ["10.0.0.1"] }] },
  "users.register (object)": {
    run: (o) => o.users.register({ authId: "gh:1", displayName: "Al" }),
    calls: [{ name: "owncast_users_register", args: ['{"authId":"gh:1","displayName":"Al"}'] }],
    results: { owncast_users_register: { userId: "u9" } },
    returns: { userId: "u9" },
  },
  "users.register (string)": {
    run: (o) => o.users.register("gh:2"),
    calls: [{ name: "owncast_users_register", args: ['{"authId":"gh:2"}'] }],
    results: { owncast_users_register: { userId: "u2" } },
    returns: { userId: "u2" },
  },

  "auth.grantSession (object)": {
    run: (o) => o.auth.grantSession({ userId: "u", ttl: 60 }),
    calls: [{ name: "owncast_auth_grant_session", args: ['{"userId":"u","ttl":60}'] }],
    results: { owncast_auth_grant_session: {} },
  },
  "auth.grantSession (string)": {
    run: (o) => o.auth.grantSession("u"),
    calls: [{ name: "owncast_auth_grant_session", args: ['{"userId":"u"}'] }],
    results: { owncast_auth_grant_session: "{}" },
  },
  "auth.endSession": { run: (o) => o.auth.endSession(), calls: [{ name: "owncast_auth_end_session", args: [] }] },

  "storage.upload (text)": {
    run: (o) => o.storage.upload("a.txt", "hello"),
    calls: [{ name: "owncast_storage_upload", args: ["a.txt", "hello"] }],
    results: { owncast_storage_upload: { url: "/uploads/a.txt" } },
    returns: { url: "/uploads/a.txt" },
  },
  "storage.upload fallback": {
    run: (o) => o.storage.upload("n", 12),
    calls: [{ name: "owncast_storage_upload", args: ["n", "12"] }],
    returns: null,
  },

  "fs.readText": {
    run: (o) => o.fs.readText("notes.txt"),
    calls: [{ name: "owncast_fs_read", args: ["notes.txt"] }],
    results: { owncast_fs_read: "contents" },
    returns: "contents",
  },
  "fs.readText fallback": { run: (o) => o.fs.readText("x"), calls: [{ name: "owncast_fs_read", args: ["x"] }], returns: null },
  "fs.read fallback": { run: (o) => o.fs.read("x"), calls: [{ name: "owncast_fs_read", args: ["x"] }], returns: null },
  "fs.write (text)": {
    run: (o) => o.fs.write("a/b.txt", "data"),
    calls: [{ name: "owncast_fs_write", args: ["a/b.txt", "data"] }],
    results: { owncast_fs_write: { ok: true } },
    returns: { ok: true },
  },
  "fs.write host error": {
    run: (o) => o.fs.write("a", "d"),
    calls: [{ name: "owncast_fs_write", args: ["a", "d"] }],
    results: { owncast_fs_write: { ok: false, error: "quota" } },
    returns: { ok: false, error: "quota" },
  },
  "fs.write fallback": {
    run: (o) => o.fs.write("a", "d"),
    calls: [{ name: "owncast_fs_write", args: ["a", "d"] }],
    returns: { ok: false, error: "write failed" },
  },
  "fs.list": {
    run: (o) => o.fs.list("dir"),
    calls: [{ name: "owncast_fs_list", args: ["dir"] }],
    results: { owncast_fs_list: ["a", "b"] },
    returns: ["a", "b"],
  },
  "fs.list root and fallback": { run: (o) => o.fs.list(), calls: [{ name: "owncast_fs_list", args: [""] }], returns: [] },
  "fs.delete": {
    run: (o) => o.fs.delete("a"),
    calls: [{ name: "owncast_fs_delete", args: ["a"] }],
    results: { owncast_fs_delete: { ok: true } },
    returns: { ok: true },
  },
  "fs.delete fallback": {
    run: (o) => o.fs.delete("a"),
    calls: [{ name: "owncast_fs_delete", args: ["a"] }],
    results: { owncast_fs_delete: "not json" },
    returns: { ok: false, error: "delete failed" },
  },
  "fs.exists true": {
    run: (o) => o.fs.exists("a"),
    calls: [{ name: "owncast_fs_exists", args: ["a"] }],
    results: { owncast_fs_exists: 1 },
    returns: true,
  },
  "fs.exists false": { run: (o) => o.fs.exists("b"), calls: [{ name: "owncast_fs_exists", args: ["b"] }], returns: false },

  "fediverse.post": {
    run: (o) => o.fediverse.post("Live now"),
    calls: [{ name: "owncast_fediverse_post", args: ["Live now"] }],
    results: { owncast_fediverse_post: { url: "https://x/1" } },
    returns: { url: "https://x/1" },
  },
  "fediverse.post fallback": {
    run: (o) => o.fediverse.post("x"),
    calls: [{ name: "owncast_fediverse_post", args: ["x"] }],
    returns: null,
  },

  "notifications.discord": {
    run: (o) => o.notifications.discord("hey"),
    calls: [{ name: "owncast_notify_discord", args: ["hey"] }],
  },
  "notifications.browserPush (string)": {
    run: (o) => o.notifications.browserPush("Live"),
    calls: [{ name: "owncast_notify_browser_push", args: ['{"title":"Live"}'] }],
  },
  "notifications.browserPush (object)": {
    run: (o) => o.notifications.browserPush({ title: "T", body: "B", url: "/u" }),
    calls: [{ name: "owncast_notify_browser_push", args: ['{"title":"T","body":"B","url":"/u"}'] }],
  },
  "notifications.fediverse": {
    run: (o) => o.notifications.fediverse({ type: "follow", body: "b" }),
    calls: [{ name: "owncast_notify_fediverse", args: ['{"type":"follow","body":"b"}'] }],
  },

  "stream.current": {
    run: (o) => o.stream.current(),
    calls: [{ name: "owncast_stream_current", args: [] }],
    results: { owncast_stream_current: { online: true, viewers: 3, title: "T" } },
    returns: { online: true, viewers: 3, title: "T" },
  },
  "stream.current fallback": {
    run: (o) => o.stream.current(),
    calls: [{ name: "owncast_stream_current", args: [] }],
    returns: { online: false, viewers: 0 },
  },
  "stream.broadcaster fallback": {
    run: (o) => o.stream.broadcaster(),
    calls: [{ name: "owncast_stream_broadcaster", args: [] }],
    returns: {},
  },
  "stream.broadcaster": {
    run: (o) => o.stream.broadcaster(),
    calls: [{ name: "owncast_stream_broadcaster", args: [] }],
    results: { owncast_stream_broadcaster: { codecs: ["h264"] } },
    returns: { codecs: ["h264"] },
  },
  "server.info": {
    run: (o) => o.server.info(),
    calls: [{ name: "owncast_server_info", args: [] }],
    results: { owncast_server_info: { name: "My server" } },
    returns: { name: "My server" },
  },
  "server.info fallback": { run: (o) => o.server.info(), calls: [{ name: "owncast_server_info", args: [] }], returns: {} },
  "server.socials fallback": {
    run: (o) => o.server.socials(),
    calls: [{ name: "owncast_server_socials", args: [] }],
    returns: [],
  },
  "server.emotes": {
    run: (o) => o.server.emotes(),
    calls: [{ name: "owncast_server_emotes", args: [] }],
    results: { owncast_server_emotes: [{ name: "blob", url: "/e/blob.png" }] },
    returns: [{ name: "blob", url: "/e/blob.png" }],
  },
  "server.emotes fallback": { run: (o) => o.server.emotes(), calls: [{ name: "owncast_server_emotes", args: [] }], returns: [] },
  "server.federation fallback": {
    run: (o) => o.server.federation(),
    calls: [{ name: "owncast_server_federation", args: [] }],
    returns: { enabled: false },
  },
  "server.tags": {
    run: (o) => o.server.tags(),
    calls: [{ name: "owncast_server_tags", args: [] }],
    results: { owncast_server_tags: ["music"] },
    returns: ["music"],
  },
  "server.tags fallback": { run: (o) => o.server.tags(), calls: [{ name: "owncast_server_tags", args: [] }], returns: [] },

  "videoConfig.read fallback": {
    run: (o) => o.videoConfig.read(),
    calls: [{ name: "owncast_video_config_read", args: [] }],
    returns: { latencyLevel: 0, codec: "", variants: [] },
  },
  "videoConfig.read": {
    run: (o) => o.videoConfig.read(),
    calls: [{ name: "owncast_video_config_read", args: [] }],
    results: { owncast_video_config_read: { latencyLevel: 2, codec: "libx264", variants: [] } },
    returns: { latencyLevel: 2, codec: "libx264", variants: [] },
  },
  "videoConfig.write": {
    run: (o) => o.videoConfig.write({ latencyLevel: 3 }),
    calls: [{ name: "owncast_video_config_write", args: ['{"latencyLevel":3}'] }],
    results: { owncast_video_config_write: { ok: true } },
  },
  "videoConfig.write (no update)": {
    run: (o) => o.videoConfig.write(),
    calls: [{ name: "owncast_video_config_write", args: ["{}"] }],
    results: { owncast_video_config_write: {} },
  },

  "kv.get": {
    run: (o) => o.kv.get("k"),
    calls: [{ name: "owncast_kv_get", args: ["k"] }],
    results: { owncast_kv_get: "v" },
    returns: "v",
  },
  "kv.get empty value": {
    run: (o) => o.kv.get("k"),
    calls: [{ name: "owncast_kv_get", args: ["k"] }],
    results: { owncast_kv_get: "" },
    returns: "",
  },
  "kv.get fallback": { run: (o) => o.kv.get("k"), calls: [{ name: "owncast_kv_get", args: ["k"] }], returns: null },
  "kv.set": { run: (o) => o.kv.set("n", 5), calls: [{ name: "owncast_kv_set", args: ["n", "5"] }] },
  "kv.getJSON": {
    run: (o) => o.kv.getJSON("j", "fb"),
    calls: [{ name: "owncast_kv_get", args: ["j"] }],
    results: { owncast_kv_get: '{"a":[1]}' },
    returns: { a: [1] },
  },
  "kv.getJSON invalid → fallback": {
    run: (o) => o.kv.getJSON("j", "fb"),
    calls: [{ name: "owncast_kv_get", args: ["j"] }],
    results: { owncast_kv_get: "{oops" },
    returns: "fb",
  },
  "kv.getJSON missing → fallback": {
    run: (o) => o.kv.getJSON("j", 7),
    calls: [{ name: "owncast_kv_get", args: ["j"] }],
    returns: 7,
  },
  "kv.setJSON": {
    run: (o) => o.kv.setJSON("j", { a: 1 }),
    calls: [{ name: "owncast_kv_set", args: ["j", '{"a":1}'] }],
  },

  "config.get": {
    run: (o) => o.config.get("greeting"),
    calls: [{ name: "owncast_config_get", args: ["greeting"] }],
    results: { owncast_config_get: '"hello"' },
    returns: "hello",
  },
  "config.get number": {
    run: (o) => o.config.get("n", 1),
    calls: [{ name: "owncast_config_get", args: ["n"] }],
    results: { owncast_config_get: "0" },
    returns: 0,
  },
  "config.get fallback": {
    run: (o) => o.config.get("missing", "default"),
    calls: [{ name: "owncast_config_get", args: ["missing"] }],
    returns: "default",
  },

  "assets.readText": {
    run: (o) => o.assets.readText("tpl.html"),
    calls: [{ name: "owncast_asset_read", args: ["tpl.html"] }],
    results: { owncast_asset_read: "<p>{{x}}</p>" },
    returns: "<p>{{x}}</p>",
  },
  "assets.readText fallback": {
    run: (o) => o.assets.readText("none"),
    calls: [{ name: "owncast_asset_read", args: ["none"] }],
    returns: null,
  },
  "assets.read fallback": {
    run: (o) => o.assets.read("none"),
    calls: [{ name: "owncast_asset_read", args: ["none"] }],
    returns: null,
  },

  "log.info": { run: (o) => o.log.info("started"), calls: [{ name: "owncast_log_info", args: ["started"] }] },
  "log.info several values": {
    run: (o) => o.log.info("n =", 3, true),
    calls: [{ name: "owncast_log_info", args: ["n = 3 true"] }],
  },
  "log.warning": { run: (o) => o.log.warning("careful"), calls: [{ name: "owncast_log_warning", args: ["careful"] }] },
  "log.warn": { run: (o) => o.log.warn("careful"), calls: [{ name: "owncast_log_warning", args: ["careful"] }] },
  "log.error": { run: (o) => o.log.error(404), calls: [{ name: "owncast_log_error", args: ["404"] }] },

  "events.emit": {
    run: (o) => o.events.emit("other.ping", { n: 1 }),
    calls: [{ name: "owncast_emit_event", args: ["other.ping", '{"n":1}'] }],
  },
  "events.emit without payload": {
    run: (o) => o.events.emit("other.ping"),
    calls: [{ name: "owncast_emit_event", args: ["other.ping", ""] }],
  },
  "events.emit null payload": {
    run: (o) => o.events.emit("other.ping", null),
    calls: [{ name: "owncast_emit_event", args: ["other.ping", "null"] }],
  },

  "actions.add (one)": {
    run: (o) => o.actions.add({ title: "Vote", url: "/vote" }),
    calls: [{ name: "owncast_add_actions", args: ['[{"title":"Vote","url":"/vote"}]'] }],
  },
  "actions.add (list)": {
    run: (o) => o.actions.add([{ title: "A", html: "<p>a</p>" }, { title: "B", url: "https://b" }]),
    calls: [
      { name: "owncast_add_actions", args: ['[{"title":"A","html":"<p>a</p>"},{"title":"B","url":"https://b"}]'] },
    ],
  },
  "actions.clear": { run: (o) => o.actions.clear(), calls: [{ name: "owncast_clear_actions", args: [] }] },

  "sse.send (string data)": {
    run: (o) => o.sse.send("votes", "update", "raw"),
    calls: [{ name: "owncast_sse_send", args: ["votes", "update", "raw"] }],
  },
  "sse.send (object data, defaults)": {
    run: (o) => o.sse.send(undefined, null, { a: 1 }),
    calls: [{ name: "owncast_sse_send", args: ["", "", '{"a":1}'] }],
  },

  "sql.exec": {
    run: (o) => o.sql.exec("INSERT INTO t VALUES (?, ?)", [1, "a"]),
    calls: [{ name: "owncast_sql_exec", args: ['{"sql":"INSERT INTO t VALUES (?, ?)","params":[1,"a"]}'] }],
    results: { owncast_sql_exec: { rowsAffected: 1, lastInsertId: 7 } },
    returns: { rowsAffected: 1, lastInsertId: 7 },
  },
  "sql.exec without params": {
    run: (o) => o.sql.exec("DELETE FROM t"),
    calls: [{ name: "owncast_sql_exec", args: ['{"sql":"DELETE FROM t","params":[]}'] }],
    results: { owncast_sql_exec: { rowsAffected: 0, lastInsertId: 0 } },
    returns: { rowsAffected: 0, lastInsertId: 0 },
  },
  "sql.query": {
    run: (o) => o.sql.query("SELECT id, name FROM t WHERE id > ?", [0]),
    calls: [{ name: "owncast_sql_query", args: ['{"sql":"SELECT id, name FROM t WHERE id > ?","params":[0]}'] }],
    results: { owncast_sql_query: { columns: ["id", "name"], rows: [[1, "a"], [2, null]] } },
    returns: [
      { id: 1, name: "a" },
      { id: 2, name: null },
    ],
  },
  "sql.queryRow": {
    run: (o) => o.sql.queryRow("SELECT 1 AS one"),
    calls: [{ name: "owncast_sql_query", args: ['{"sql":"SELECT 1 AS one","params":[],"maxRows":1}'] }],
    results: { owncast_sql_query: { columns: ["one"], rows: [[1]], truncated: false } },
    returns: { one: 1 },
  },
  "sql.queryRow no row": {
    run: (o) => o.sql.queryRow("SELECT 1 WHERE 0"),
    calls: [{ name: "owncast_sql_query", args: ['{"sql":"SELECT 1 WHERE 0","params":[],"maxRows":1}'] }],
    results: { owncast_sql_query: { columns: ["1"], rows: [] } },
    returns: null,
  },
  "storage.sql is owncast.sql": {
    run: (o) => o.storage.sql.query("SELECT 2 AS two"),
    calls: [{ name: "owncast_sql_query", args: ['{"sql":"SELECT 2 AS two","params":[]}'] }],
    results: { owncast_sql_query: { columns: ["two"], rows: [[2]] } },
    returns: [{ two: 2 }],
  },
};

describe("owncast.* wrappers", () => {
  it.each(Object.entries(wrappers))("%s", async (_name, row) => {
    const { p, owncast } = await sdkWith(row.results);
    const result = row.run(owncast);
    expect(p.calls).toEqual(row.calls);
    expect(plain(result)).toEqual(row.returns);
  });

  it("together, the wrappers cover every production host function", () => {
    const used = new Set(Object.values(wrappers).flatMap((row) => row.calls.map((c) => c.name)));
    for (const name of ["owncast_timer_set", "owncast_timer_clear"]) used.add(name); // timer tests below
    expect([...used].sort()).toEqual(Object.keys(HOST_FUNCTIONS).sort());
  });

  it("byte results come back as Uint8Array, byte arguments go as bytes", async () => {
    const { p, owncast } = await sdkWith({
      owncast_fs_read: "\u00e9t\u00e9",
      owncast_asset_read: "abc",
      owncast_fs_write: { ok: true },
      owncast_storage_upload: { url: "/u/x.bin" },
    });
    const read = owncast.fs.read("photo.jpg");
    expect(read.constructor.name).toBe("Uint8Array");
    expect(Buffer.from(read).toString("utf8")).toBe("été");
    expect(Array.from(owncast.assets.read("a.bin"))).toEqual([97, 98, 99]);

    // Made in the plugin's realm, as a plugin would (the test realm's ArrayBuffer is another class).
    const bytes = vm.runInContext("Uint8Array.from([0, 1, 2, 3, 4])", p.context);
    owncast.fs.write("bin", bytes.subarray(1, 4));
    owncast.storage.upload("x.bin", bytes.buffer);
    const [, , write, upload] = p.calls;
    expect(write.name).toBe("owncast_fs_write");
    expect(Array.from(write.args[1] as Uint8Array)).toEqual([1, 2, 3]);
    expect(upload.name).toBe("owncast_storage_upload");
    expect(Array.from(new Uint8Array(upload.args[1] as ArrayBuffer))).toEqual([0, 1, 2, 3, 4]);
  });

  it("bytes made inside the plugin keep their exact slice", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `definePlugin({ onTick() {
          const all = new Uint8Array([9, 8, 7, 6]);
          owncast.fs.write("a", all.subarray(1, 3));
          owncast.storage.upload("b", new Uint16Array([258]));
        } });`,
      { results: { owncast_fs_write: { ok: true } } },
    );
    p.event("tick", { now: 0 });
    expect(Array.from(p.calls[0].args[1] as Uint8Array)).toEqual([8, 7]);
    expect((p.calls[1].args[1] as Uint8Array).byteLength).toBe(2);
  });

  it("videoConfig.write throws on refusal, with the host's message when there is one", async () => {
    const cases: [HostResult, string][] = [
      [null, "videoConfig.write failed"],
      [{ ok: false, error: "bad codec" }, "bad codec"],
      [{ ok: false }, "videoConfig.write failed"],
      [{ error: "no such encoder" }, "no such encoder"],
    ];
    for (const [result, message] of cases) {
      const { owncast } = await sdkWith({ owncast_video_config_write: result });
      expect(() => owncast.videoConfig.write({ codec: "x" })).toThrow(message);
    }
  });

  it("users.register, auth.grantSession and sql throw on host errors", async () => {
    const failing = await sdkWith({
      owncast_users_register: { error: "authId is required" },
      owncast_auth_grant_session: { error: "grantSession is only available inside an on_http_request handler" },
      owncast_sql_exec: { error: "PRAGMA is not available to plugins" },
      owncast_sql_query: { columns: "nope", rows: [] },
    });
    expect(() => failing.owncast.users.register({})).toThrow("authId is required");
    expect(() => failing.owncast.auth.grantSession("u")).toThrow("only available inside an on_http_request handler");
    expect(() => failing.owncast.sql.exec("PRAGMA x")).toThrow("PRAGMA is not available to plugins");
    expect(() => failing.owncast.sql.query("SELECT 1")).toThrow("SQL host returned an invalid result");

    const ungranted = await sdkWith();
    expect(() => ungranted.owncast.users.register("a")).toThrow("users.register failed");
    expect(() => ungranted.owncast.auth.grantSession("u")).toThrow("auth.grantSession failed");
    expect(() => ungranted.owncast.sql.exec("SELECT 1")).toThrow("SQL host call failed");
    expect(() => ungranted.owncast.sql.queryRow("SELECT 1")).toThrow("SQL host call failed");
  });

  it("sendTo and kick refuse ids that are not integers", async () => {
    const { p, owncast } = await sdkWith();
    expect(() => owncast.chat.sendTo(1.5, "x")).toThrow();
    expect(() => owncast.chat.kick(undefined)).toThrow();
    expect(p.calls).toEqual([]);
  });
});

describe("owncast.http.fetch", () => {
  it("calls Http.request with defaults and no body argument for a GET", async () => {
    const p = await loadPlugin(PRELUDE, {
      httpResponse: { status: 200, body: '{"ok":true}', headers: { "content-type": "application/json" } },
    });
    const res = p.sdk().owncast.http.fetch("https://api.example.com/x");
    expect(plain(res)).toEqual({ status: 200, headers: { "content-type": "application/json" }, body: '{"ok":true}' });
    expect(plain(p.httpCalls)).toEqual([{ req: { url: "https://api.example.com/x", method: "GET", headers: {} }, argc: 1 }]);
    expect(p.calls).toEqual([]);
  });

  it("passes method, headers and String(body)", async () => {
    const p = await loadPlugin(PRELUDE, { httpResponse: { status: 201 } });
    const res = p.sdk().owncast.http.fetch("https://h/y", { method: "POST", headers: { a: "b" }, body: 12 });
    expect(plain(res)).toEqual({ status: 201, headers: {}, body: "" });
    expect(plain(p.httpCalls)).toEqual([
      { req: { url: "https://h/y", method: "POST", headers: { a: "b" } }, body: "12", argc: 2 },
    ]);
  });

  it("lets the host's refusal surface as an exception", async () => {
    const p = await loadPlugin(PRELUDE);
    p.context.Http.request = () => {
      throw new Error("HTTP request to 'https://evil' is not allowed");
    };
    expect(() => p.sdk().owncast.http.fetch("https://evil")).toThrow("is not allowed");
  });
});

describe("owncast.timer", () => {
  const timerPlugin =
    PRELUDE +
    `const log = globalThis.log = [];
    globalThis.owncast = owncast;
    definePlugin({});`;

  it("schedules with guest-allocated ids and fires the callback on timer.fire", async () => {
    const p = await loadPlugin(timerPlugin);
    p.entry.__load();
    const t = p.context.owncast.timer;
    const once = t.setTimeout(() => p.context.log.push("once"), 1500);
    const every = t.setInterval(() => p.context.log.push("every"), 250.9);
    expect([once, every]).toEqual([1, 2]);
    expect(p.calls).toEqual([
      { name: "owncast_timer_set", args: [1, 1500, 0] },
      { name: "owncast_timer_set", args: [2, 250, 1] },
    ]);

    p.event("timer.fire", { id: 2 });
    p.event("timer.fire", { id: 1 });
    p.event("timer.fire", { id: 1 }); // a one-shot fires once
    p.event("timer.fire", { id: 2 }); // an interval keeps firing
    p.event("timer.fire", { id: 77 }); // unknown ids are ignored
    p.event("timer.fire", {});
    expect(plain(p.context.log)).toEqual(["every", "once", "every"]);
  });

  it("clear cancels locally and on the host; aliases and junk ids", async () => {
    const p = await loadPlugin(timerPlugin);
    p.entry.__load();
    const t = p.context.owncast.timer;
    const a = t.setInterval(() => p.context.log.push("a"), 100);
    const b = t.setTimeout(() => p.context.log.push("b"), 100);
    const c = t.setTimeout(() => p.context.log.push("c"), 100);
    t.clear(a);
    t.clearTimeout(b);
    t.clearInterval(c);
    t.clear(undefined);
    t.clear("1");
    p.event("timer.fire", { id: a });
    p.event("timer.fire", { id: b });
    p.event("timer.fire", { id: c });
    expect(plain(p.context.log)).toEqual([]);
    expect(p.calls.slice(3)).toEqual([
      { name: "owncast_timer_clear", args: [a] },
      { name: "owncast_timer_clear", args: [b] },
      { name: "owncast_timer_clear", args: [c] },
    ]);
  });

  it("clamps odd delays to a non-negative integer", async () => {
    const p = await loadPlugin(timerPlugin);
    p.entry.__load();
    const t = p.context.owncast.timer;
    t.setTimeout(() => {}, -5);
    t.setTimeout(() => {}, "abc");
    t.setTimeout(() => {}, Infinity);
    t.setTimeout(() => {});
    expect(p.calls.map((c) => c.args[1])).toEqual([0, 0, Number.MAX_SAFE_INTEGER, 0]);
  });

  it("throws at the host's cap without registering the callback, and refuses non-functions", async () => {
    const p = await loadPlugin(timerPlugin, { results: { owncast_timer_set: 0 } });
    p.entry.__load();
    const t = p.context.owncast.timer;
    expect(() => t.setTimeout(() => p.context.log.push("x"), 100)).toThrow("owncast.timer: too many pending timers");
    p.event("timer.fire", { id: 1 });
    expect(plain(p.context.log)).toEqual([]);
    expect(() => t.setInterval("code", 100)).toThrow("callback must be a function");
    expect(p.calls).toHaveLength(1);
  });

  it("returns an async callback's promise and propagates a callback's error", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `owncast.timer.setTimeout(async () => { await null; owncast.chat.send("later"); }, 100);
        owncast.timer.setInterval(() => { throw new Error("interval failed"); }, 100);
        definePlugin({});`,
    );
    p.entry.__load();
    const pending = p.event("timer.fire", { id: 1 });
    expect(p.names()).toEqual(["owncast_timer_set", "owncast_timer_set"]);
    expect(await pending).toBeUndefined();
    expect(p.names()).toContain("owncast_send_chat");
    expect(() => p.event("timer.fire", { id: 2 })).toThrow("interval failed");
    // The interval stays registered after a failure.
    expect(() => p.event("timer.fire", { id: 2 })).toThrow("interval failed");
  });
});
