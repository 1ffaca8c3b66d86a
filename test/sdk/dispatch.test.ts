import { describe, expect, it } from "vitest";

import { PRELUDE, loadPlugin, plain } from "./harness.js";

const chatMessage = {
  id: "m1",
  user: { id: "u1", displayName: "alice", scopes: ["MODERATOR"] },
  clientId: 7,
  body: "hello",
  timestamp: "2026-01-01T00:00:00Z",
};

/** Awaits a value that may be a promise from the plugin's realm, and returns how it settled. */
async function settle(value: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: any }> {
  try {
    return { ok: true, value: await value };
  } catch (error) {
    return { ok: false, error };
  }
}

describe("on_event", () => {
  it("calls the typed handler with the payload, bound to the definition, and outputs nothing", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `const def = definePlugin({
          seen: [],
          onChatMessage(msg) { this.seen.push(msg.body + " from " + msg.user.displayName); globalThis.self = this === def; },
        });
        globalThis.def = def;`,
    );
    expect(p.event("chat.message.received", chatMessage)).toBeUndefined();
    expect(plain(p.context.def.seen)).toEqual(["hello from alice"]);
    expect(p.context.self).toBe(true);
  });

  it("routes every built-in event to its typed handler", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `const log = globalThis.log = [];
        const h = (name) => (payload) => log.push([name, payload]);
        definePlugin({
          onChatUserJoined: h("joined"), onChatUserParted: h("parted"), onChatUserRenamed: h("renamed"),
          onMessageModerated: h("moderated"), onStreamStarted: h("started"), onStreamStopped: h("stopped"),
          onStreamTitleChanged: h("title"), onSseConnect: h("sseConnect"), onSseDisconnect: h("sseDisconnect"),
          onTick: h("tick"), onFediverse: h("activity"), onFediverseFollow: h("follow"), onFediverseLike: h("like"),
          onFediverseRepost: h("repost"), onFediverseQuote: h("quote"), onFediverseMention: h("mention"),
          onFediverseReply: h("reply"),
        });`,
    );
    const events: [string, string][] = [
      ["chat.user.joined", "joined"],
      ["chat.user.parted", "parted"],
      ["chat.user.renamed", "renamed"],
      ["chat.message.moderated", "moderated"],
      ["stream.started", "started"],
      ["stream.stopped", "stopped"],
      ["stream.title.changed", "title"],
      ["sse.connect", "sseConnect"],
      ["sse.disconnect", "sseDisconnect"],
      ["tick", "tick"],
      ["fediverse.activity", "activity"],
      ["fediverse.follow", "follow"],
      ["fediverse.like", "like"],
      ["fediverse.repost", "repost"],
      ["fediverse.quote", "quote"],
      ["fediverse.mention", "mention"],
      ["fediverse.reply", "reply"],
    ];
    events.forEach(([type], i) => p.event(type, { n: i }));
    expect(plain(p.context.log)).toEqual(events.map(([, name], i) => [name, { n: i }]));
  });

  it("a typed handler shadows `on` for the same event; `on` serves custom and other events", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `const log = globalThis.log = [];
        definePlugin({
          onChatMessage(m) { log.push("typed " + m.body); },
          on: {
            "chat.message.received"(m) { log.push("on " + m.body); },
            "stream.started"(p) { log.push("on started " + p.title); },
            ping(p) { log.push("ping " + JSON.stringify(p)); },
          },
        });`,
    );
    p.event("chat.message.received", chatMessage);
    p.event("stream.started", { title: "Live" });
    p.event("ping", { n: 1 });
    p.event("ping");
    p.event("unknown.event", {});
    expect(plain(p.context.log)).toEqual(["typed hello", "on started Live", 'ping {"n":1}', "ping undefined"]);
  });

  it("ignores events without a handler, inherited `on` keys included", async () => {
    const p = await loadPlugin(PRELUDE + `definePlugin({ on: {} });`);
    expect(p.event("toString", {})).toBeUndefined();
    expect(p.event("constructor", {})).toBeUndefined();
    expect(p.event("chat.message.received", chatMessage)).toBeUndefined();
  });

  it("does nothing before definePlugin is called", async () => {
    const p = await loadPlugin(`globalThis.loaded = true;`);
    expect(p.event("tick", { now: 1 })).toBeUndefined();
    expect(p.context.loaded).toBe(true);
  });

  it("propagates a handler's thrown error", async () => {
    const p = await loadPlugin(PRELUDE + `definePlugin({ onTick() { throw new RangeError("tick failed"); } });`);
    expect(() => p.event("tick", { now: 1 })).toThrow("tick failed");
  });

  it("returns an async handler's promise, resolving to no output after the handler's work", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `definePlugin({ async onTick(ev) { await null; await Promise.resolve(); owncast.chat.send("tick " + ev.now); return "ignored"; } });`,
    );
    const result = p.event("tick", { now: 5 });
    expect(typeof result?.then).toBe("function");
    expect(p.calls).toEqual([]);
    expect(await settle(result)).toEqual({ ok: true, value: undefined });
    expect(p.calls).toEqual([{ name: "owncast_send_chat", args: ["tick 5"] }]);
  });

  it("returns a rejected promise when an async handler rejects", async () => {
    const p = await loadPlugin(
      PRELUDE + `definePlugin({ on: { async boom() { await null; throw new Error("async boom"); } } });`,
    );
    const outcome = await settle(p.event("boom", {}));
    expect(outcome.ok).toBe(false);
    expect(String((outcome as { error: Error }).error.message)).toBe("async boom");
  });

  it("internal events are never routed to typed handlers or `on`", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `const log = globalThis.log = [];
        definePlugin({ on: { "timer.fire"() { log.push("on timer"); }, "chat.command"() { log.push("on command"); } } });`,
    );
    p.event("timer.fire", { id: 99 });
    p.event("chat.command", { command: "x", message: chatMessage, args: [] });
    expect(plain(p.context.log)).toEqual([]);
  });

  it("rejects input that is not JSON", async () => {
    const p = await loadPlugin(PRELUDE + `definePlugin({ onTick() {} });`);
    expect(() => p.entry.on_event("not json")).toThrow(/JSON/);
  });
});

describe("on_filter", () => {
  const envelope = JSON.stringify({ eventType: "chat.message.received", payload: chatMessage });

  it("is pass without a plugin, without a filter handler, or for other events", async () => {
    const none = await loadPlugin(`// no definePlugin`);
    expect(JSON.parse(none.entry.on_filter(envelope))).toEqual({ action: "pass" });
    const notify = await loadPlugin(PRELUDE + `definePlugin({ onChatMessage() { throw new Error("no"); } });`);
    expect(JSON.parse(notify.entry.on_filter(envelope))).toEqual({ action: "pass" });
    const other = await loadPlugin(PRELUDE + `definePlugin({ filterChatMessage() { return filter.drop("x"); } });`);
    expect(JSON.parse(other.entry.on_filter(JSON.stringify({ eventType: "custom", payload: {} })))).toEqual({
      action: "pass",
    });
  });

  it("outputs the handler's pass, modify and drop verdicts", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `definePlugin({
          filterChatMessage(msg) {
            if (msg.body === "pass") return filter.pass();
            if (msg.body === "shout") return filter.modify({ ...msg, body: msg.body.toUpperCase() });
            if (msg.body === "spam") return filter.drop("no spam");
            if (msg.body === "quiet") return filter.drop();
            return undefined;
          },
        });`,
    );
    const run = (body: string) =>
      JSON.parse(p.entry.on_filter(JSON.stringify({ eventType: "chat.message.received", payload: { ...chatMessage, body } })));
    expect(run("pass")).toEqual({ action: "pass" });
    expect(run("shout")).toEqual({ action: "modify", payload: { ...chatMessage, body: "SHOUT" } });
    expect(run("spam")).toEqual({ action: "drop", reason: "no spam" });
    expect(run("quiet")).toEqual({ action: "drop", reason: "" });
    expect(run("anything")).toEqual({ action: "pass" });
  });

  it.each(["null", "0", "false", '""', "undefined"])("a falsy result (%s) is pass", async (value) => {
    const p = await loadPlugin(PRELUDE + `definePlugin({ filterChatMessage() { return ${value}; } });`);
    expect(JSON.parse(p.entry.on_filter(envelope))).toEqual({ action: "pass" });
  });

  it("passes a hand-written verdict through unchanged", async () => {
    const p = await loadPlugin(
      PRELUDE + `definePlugin({ filterChatMessage() { return { action: "drop", reason: "r", extra: 1 }; } });`,
    );
    expect(JSON.parse(p.entry.on_filter(envelope))).toEqual({ action: "drop", reason: "r", extra: 1 });
  });

  it("awaits an async filter and outputs its verdict (falsy → pass)", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `definePlugin({ async filterChatMessage(msg) { await null; return msg.body === "x" ? null : filter.modify({ body: "async" }); } });`,
    );
    const modified = p.entry.on_filter(envelope);
    expect(typeof modified.then).toBe("function");
    expect(JSON.parse((await settle(modified) as { value: string }).value)).toEqual({
      action: "modify",
      payload: { body: "async" },
    });
    const passed = await settle(
      p.entry.on_filter(JSON.stringify({ eventType: "chat.message.received", payload: { body: "x" } })),
    );
    expect(JSON.parse((passed as { value: string }).value)).toEqual({ action: "pass" });
  });

  it("propagates errors, sync and async", async () => {
    const sync = await loadPlugin(PRELUDE + `definePlugin({ filterChatMessage() { throw new Error("filter broke"); } });`);
    expect(() => sync.entry.on_filter(envelope)).toThrow("filter broke");
    const async = await loadPlugin(
      PRELUDE + `definePlugin({ async filterChatMessage() { throw new Error("async filter broke"); } });`,
    );
    const outcome = await settle(async.entry.on_filter(envelope));
    expect(outcome.ok).toBe(false);
    expect((outcome as { error: Error }).error.message).toBe("async filter broke");
  });
});

describe("on_http_request", () => {
  const request = {
    method: "GET",
    path: "/hello",
    query: { a: "1" },
    headers: { accept: "text/plain" },
    body: "",
    remoteAddr: "127.0.0.1",
    authenticated: false,
  };
  const call = (p: { entry: Record<string, (s?: string) => any> }) => p.entry.on_http_request(JSON.stringify(request));

  it("is 404 without a plugin or without onHttpRequest", async () => {
    const none = await loadPlugin(`// nothing`);
    expect(JSON.parse(call(none))).toEqual({ status: 404, headers: {}, body: "" });
    const noHandler = await loadPlugin(PRELUDE + `definePlugin({ onTick() {} });`);
    expect(JSON.parse(call(noHandler))).toEqual({ status: 404, headers: {}, body: "" });
  });

  it("a falsy result is an empty 200", async () => {
    const p = await loadPlugin(PRELUDE + `definePlugin({ onHttpRequest() {} });`);
    expect(JSON.parse(call(p))).toEqual({ status: 200, headers: {}, body: "" });
  });

  it("hands the request to the handler and fills status, headers and body defaults", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `definePlugin({ onHttpRequest(req) {
          if (req.path === "/hello") return { body: "hi " + req.query.a + " " + req.headers.accept };
          if (req.path === "/json") return { status: 201, headers: { "content-type": "application/json" }, body: 42 };
          if (req.path === "/empty") return { status: 204, body: null };
          return { status: 0 };
        } });`,
    );
    const send = (path: string) => JSON.parse(p.entry.on_http_request(JSON.stringify({ ...request, path })));
    expect(send("/hello")).toEqual({ status: 200, headers: {}, body: "hi 1 text/plain" });
    expect(send("/json")).toEqual({ status: 201, headers: { "content-type": "application/json" }, body: "42" });
    expect(send("/empty")).toEqual({ status: 204, headers: {}, body: "" });
    expect(send("/other")).toEqual({ status: 200, headers: {}, body: "" });
  });

  it("sends a binary body as bodyBase64, and passes bodyBase64 through when there is no body", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `definePlugin({ onHttpRequest(req) {
          if (req.path === "/bytes") return { headers: { "content-type": "image/png" }, body: new Uint8Array([0, 1, 2, 250, 251, 252, 253]) };
          if (req.path === "/view") return { body: new Uint8Array([9, 104, 105, 33, 9]).subarray(1, 4) };
          if (req.path === "/buffer") return { body: new Uint8Array([102, 111]).buffer };
          return { bodyBase64: "aGk=" };
        } });`,
    );
    const send = (path: string) => JSON.parse(p.entry.on_http_request(JSON.stringify({ ...request, path })));
    expect(send("/bytes")).toEqual({
      status: 200,
      headers: { "content-type": "image/png" },
      bodyBase64: Buffer.from([0, 1, 2, 250, 251, 252, 253]).toString("base64"),
    });
    expect(send("/view")).toEqual({ status: 200, headers: {}, bodyBase64: Buffer.from("hi!").toString("base64") });
    expect(send("/buffer")).toEqual({ status: 200, headers: {}, bodyBase64: "Zm8=" });
    expect(send("/b64")).toEqual({ status: 200, headers: {}, bodyBase64: "aGk=" });
  });

  it("awaits an async handler; errors propagate, sync and async", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `definePlugin({ async onHttpRequest(req) {
          await null;
          if (req.path === "/fail") throw new Error("handler failed");
          return { status: 202, body: "later" };
        } });`,
    );
    const ok = await settle(call(p));
    expect(JSON.parse((ok as { value: string }).value)).toEqual({ status: 202, headers: {}, body: "later" });
    const failed = await settle(p.entry.on_http_request(JSON.stringify({ ...request, path: "/fail" })));
    expect((failed as { error: Error }).error.message).toBe("handler failed");
    const sync = await loadPlugin(PRELUDE + `definePlugin({ onHttpRequest() { throw new TypeError("sync fail"); } });`);
    expect(() => call(sync)).toThrow("sync fail");
  });
});

describe("on_auth_check and the content exports", () => {
  it("without handlers: auth is ok and content is empty", async () => {
    const p = await loadPlugin(PRELUDE + `definePlugin({});`);
    expect(JSON.parse(p.entry.on_auth_check(JSON.stringify({ user: { id: "u" } })))).toEqual({ action: "ok" });
    expect(p.entry.on_tab_content(JSON.stringify({ slug: "t" }))).toBe("");
    expect(p.entry.on_page_content(JSON.stringify({ slug: "p" }))).toBe("");
    expect(p.entry.on_page_styles("")).toBe("");
    expect(p.entry.on_page_scripts()).toBe("");
  });

  it("returns the handlers' verdicts and raw strings", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `const { authCheck } = require("@owncast/plugin-sdk");
        definePlugin({
          onAuthCheck(req) {
            if (!req.user) return authCheck.deny("who are you");
            if (req.user.id === "old") return authCheck.refresh({ ttl: 60 });
            if (req.user.id === "quiet") return null;
            return authCheck.ok();
          },
          onTabContent(req) { return "<p>tab " + req.slug + " for " + (req.user ? req.user.displayName : "anon") + "</p>"; },
          onPageContent(req) { return req.slug === "none" ? undefined : "<div>" + req.slug + "</div>"; },
          onPageStyles() { globalThis.stylesArgs = arguments.length; return "body{color:red}"; },
          onPageScripts() { return 12; },
        });`,
    );
    const auth = (input: unknown) => JSON.parse(p.entry.on_auth_check(JSON.stringify(input)));
    expect(auth({})).toEqual({ action: "deny", reason: "who are you" });
    expect(auth({ user: { id: "old" } })).toEqual({ action: "refresh", ttl: 60 });
    expect(auth({ user: { id: "quiet" } })).toEqual({ action: "ok" });
    expect(auth({ user: { id: "u" } })).toEqual({ action: "ok" });
    expect(p.entry.on_tab_content(JSON.stringify({ slug: "stats", user: { displayName: "bob" } }))).toBe(
      "<p>tab stats for bob</p>",
    );
    expect(p.entry.on_tab_content("")).toBe("<p>tab undefined for anon</p>");
    expect(p.entry.on_page_content(JSON.stringify({ slug: "banner" }))).toBe("<div>banner</div>");
    expect(p.entry.on_page_content(JSON.stringify({ slug: "none" }))).toBe("");
    expect(p.entry.on_page_styles("")).toBe("body{color:red}");
    expect(p.context.stylesArgs).toBe(0);
    expect(p.entry.on_page_scripts()).toBe("12");
  });

  it("awaits async content handlers and propagates their errors", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `definePlugin({
          async onTabContent(req) { await null; return "<b>" + req.slug + "</b>"; },
          async onPageStyles() { await null; return null; },
          async onPageScripts() { throw new Error("script failed"); },
          async onAuthCheck() { await null; return { action: "deny" }; },
        });`,
    );
    expect(await settle(p.entry.on_tab_content(JSON.stringify({ slug: "x" })))).toEqual({ ok: true, value: "<b>x</b>" });
    expect(await settle(p.entry.on_page_styles())).toEqual({ ok: true, value: "" });
    const failed = await settle(p.entry.on_page_scripts());
    expect((failed as { error: Error }).error.message).toBe("script failed");
    const auth = await settle(p.entry.on_auth_check(JSON.stringify({ user: { id: "u" } })));
    expect(JSON.parse((auth as { value: string }).value)).toEqual({ action: "deny" });
  });
});

describe("chat commands", () => {
  const commandEvent = (command: string, extra: Record<string, unknown> = {}) => ({
    message: chatMessage,
    command,
    invokedAs: command.toUpperCase(),
    args: ["one", "two"],
    argString: "one  two",
    ...extra,
  });

  it("runs the command with the full context", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `definePlugin({ commands: { ping: { aliases: ["p"], run(ctx) { globalThis.ctx = ctx; } } } });`,
    );
    expect(p.event("chat.command", commandEvent("ping"))).toBeUndefined();
    const ctx = p.context.ctx;
    expect(plain({ ...ctx, reply: undefined, replyPrivately: undefined })).toEqual({
      msg: chatMessage,
      user: chatMessage.user,
      command: "ping",
      invokedAs: "PING",
      args: ["one", "two"],
      argString: "one  two",
    });
    expect(typeof ctx.reply).toBe("function");
    expect(typeof ctx.replyPrivately).toBe("function");
  });

  it("defaults invokedAs, args and argString when the host leaves them out", async () => {
    const p = await loadPlugin(PRELUDE + `definePlugin({ commands: { ping: { run(ctx) { globalThis.ctx = ctx; } } } });`);
    p.event("chat.command", { message: { id: "m", body: "!ping" }, command: "ping" });
    expect(plain({ ...p.context.ctx, reply: undefined, replyPrivately: undefined })).toEqual({
      msg: { id: "m", body: "!ping" },
      command: "ping",
      invokedAs: "ping",
      args: [],
      argString: "",
    });
  });

  it("reply posts publicly; replyPrivately whispers to msg.clientId", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `definePlugin({ commands: { hi: { run(ctx) { ctx.reply("hello " + ctx.user.displayName); ctx.replyPrivately("psst"); } } } });`,
    );
    p.event("chat.command", commandEvent("hi"));
    expect(p.calls).toEqual([
      { name: "owncast_send_chat", args: ["hello alice"] },
      { name: "owncast_send_chat_to", args: [7n, "psst"] },
    ]);
  });

  it("replyPrivately falls back to a public post without a clientId", async () => {
    const p = await loadPlugin(
      PRELUDE + `definePlugin({ commands: { hi: { run(ctx) { ctx.replyPrivately("public after all"); } } } });`,
    );
    const { clientId: _omitted, ...withoutClient } = chatMessage;
    p.event("chat.command", commandEvent("hi", { message: withoutClient }));
    p.event("chat.command", commandEvent("hi", { message: { ...withoutClient, clientId: null } }));
    p.event("chat.command", commandEvent("hi", { message: { ...withoutClient, clientId: 0 } }));
    expect(p.calls).toEqual([
      { name: "owncast_send_chat", args: ["public after all"] },
      { name: "owncast_send_chat", args: ["public after all"] },
      { name: "owncast_send_chat_to", args: [0n, "public after all"] },
    ]);
  });

  it("ignores unknown commands, commands without run, and inherited names", async () => {
    const p = await loadPlugin(PRELUDE + `definePlugin({ commands: { norun: { description: "x" } } });`);
    expect(p.event("chat.command", commandEvent("missing"))).toBeUndefined();
    expect(p.event("chat.command", commandEvent("norun"))).toBeUndefined();
    expect(p.event("chat.command", commandEvent("toString"))).toBeUndefined();
    expect(p.event("chat.command", null)).toBeUndefined();
    expect(p.calls).toEqual([]);
  });

  it("returns an async run's promise; errors propagate", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `definePlugin({ commands: {
          later: { async run(ctx) { await null; ctx.reply("done"); } },
          fails: { run() { throw new Error("command failed"); } },
          rejects: { async run() { await null; throw new Error("command rejected"); } },
        } });`,
    );
    const later = p.event("chat.command", commandEvent("later"));
    expect(p.calls).toEqual([]);
    expect(await settle(later)).toEqual({ ok: true, value: undefined });
    expect(p.calls).toEqual([{ name: "owncast_send_chat", args: ["done"] }]);
    expect(() => p.event("chat.command", commandEvent("fails"))).toThrow("command failed");
    const rejected = await settle(p.event("chat.command", commandEvent("rejects")));
    expect((rejected as { error: Error }).error.message).toBe("command rejected");
  });
});
