import os from "node:os";
import vm from "node:vm";

import { describe, expect, it } from "vitest";

import { buildSdkRuntime } from "../../src/lib/sdk/build-runtime.js";
import { PRELUDE, createInstance, loadPlugin, plain, sdkRuntime } from "./harness.js";

const ENTRY_KEYS = [
  "register",
  "on_event",
  "on_filter",
  "on_http_request",
  "on_auth_check",
  "on_tab_content",
  "on_page_content",
  "on_page_styles",
  "on_page_scripts",
  "__load",
];

describe("buildSdkRuntime", () => {
  it("bundles one classic script, well under 40 KB minified", async () => {
    const minified = await buildSdkRuntime({ minify: true });
    expect(minified.length).toBeLessThan(40 * 1024);
    expect(minified).not.toMatch(/\brequire\(|\bimport\s|\bexport\s/);
    // A classic script: it parses as a script, not only as a module.
    expect(() => new vm.Script(minified)).not.toThrow();
  });

  it("is deterministic and independent of the working directory", async () => {
    const here = await buildSdkRuntime();
    const cwd = process.cwd();
    process.chdir(os.tmpdir());
    try {
      expect(await buildSdkRuntime()).toBe(here);
    } finally {
      process.chdir(cwd);
    }
    expect(here).toContain("// constants.ts");
    expect(await buildSdkRuntime({ minify: true })).toBe(await buildSdkRuntime({ minify: true }));
  });

  it("defines exactly the engine contract's __ocpEntry in a bare global scope", async () => {
    for (const script of [await sdkRuntime(), await buildSdkRuntime({ minify: true })]) {
      const context = vm.createContext({ __ocHost: {}, Http: {} });
      new vm.Script(script).runInContext(context);
      const entry = context.__ocpEntry;
      expect(Object.keys(entry).sort()).toEqual([...ENTRY_KEYS].sort());
      for (const key of ENTRY_KEYS) expect(typeof entry[key]).toBe("function");
      // Nothing else leaks into the global scope.
      expect(Object.keys(context).sort()).toEqual(["Http", "__ocHost", "__ocpEntry"]);
    }
  });

  it("does not touch the host while the runtime itself is evaluated (Wizer time)", async () => {
    const touched: string[] = [];
    const trap = new Proxy({}, { get: (_t, key) => touched.push(String(key)) });
    const context = vm.createContext({ __ocHost: trap, Http: trap });
    new vm.Script(await sdkRuntime()).runInContext(context);
    expect(touched).toEqual([]);
  });
});

describe("__load", () => {
  it("evaluates the config script once, lazily, on the first export call", async () => {
    const p = await loadPlugin(`globalThis.runs = (globalThis.runs || 0) + 1;`);
    expect(p.evalCount).toBe(0);
    p.entry.register();
    p.entry.on_event(JSON.stringify({ eventType: "x", payload: null }));
    p.entry.__load();
    expect(p.evalCount).toBe(1);
    expect(p.context.runs).toBe(1);
  });

  it("prefers the script argument over config, and later calls are no-ops", async () => {
    const p = await loadPlugin(`globalThis.which = "config";`);
    p.entry.__load(`globalThis.which = "argument";`);
    p.entry.__load(`globalThis.which = "again";`);
    p.entry.register();
    expect(p.context.which).toBe("argument");
    expect(p.evalCount).toBe(1);
  });

  it("does nothing without a script, and loads once one is configured", async () => {
    const p = await createInstance({ manifest: { slug: "x" } });
    expect(p.entry.__load()).toBeUndefined();
    expect(JSON.parse(p.entry.register())).toEqual({
      slug: "x",
      subscriptions: { notify: [], filter: [] },
      commands: [],
    });
    expect(p.evalCount).toBe(0);
    p.entry.__load(`globalThis.loaded = true;`);
    expect(p.context.loaded).toBe(true);
  });

  it("passes a fresh CommonJS module, its exports and require; this is module.exports", async () => {
    const p = await loadPlugin(`
      globalThis.seen = {
        exportsIsModuleExports: exports === module.exports,
        thisIsExports: this === exports,
        exportsKeys: Object.keys(module.exports),
        requireType: typeof require,
      };
      module.exports = { replaced: true };
    `);
    p.entry.__load();
    expect(plain(p.context.seen)).toEqual({
      exportsIsModuleExports: true,
      thisIsExports: true,
      exportsKeys: [],
      requireType: "function",
    });
  });

  it("require resolves only @owncast/plugin-sdk, always to the same module object", async () => {
    const p = await loadPlugin(PRELUDE);
    const sdk = p.sdk();
    expect(p.require("@owncast/plugin-sdk")).toBe(sdk);
    expect(() => p.require("fs")).toThrow("plugin required unknown module: fs");
    expect(() => p.require("@owncast/plugin-sdk/testing")).toThrow(
      "plugin required unknown module: @owncast/plugin-sdk/testing",
    );
  });

  it("a top-level require of another module fails the load with the production message", async () => {
    const p = await loadPlugin(`require("node:fs");`);
    expect(() => p.entry.register()).toThrow("plugin required unknown module: node:fs");
  });

  it("rethrows a top-level error, and every later call repeats it without re-evaluating", async () => {
    const p = await loadPlugin(`throw new Error("boom at top level");`);
    expect(() => p.entry.register()).toThrow("boom at top level");
    expect(() => p.entry.on_event('{"eventType":"tick","payload":{}}')).toThrow("boom at top level");
    expect(() => p.entry.on_page_styles()).toThrow("boom at top level");
    expect(p.evalCount).toBe(1);
  });

  it("names the plugin script plugin.js, with the source's own line numbers", async () => {
    const p = await loadPlugin(`\n\nthrow new Error("line three");`);
    let stack = "";
    try {
      p.entry.__load();
    } catch (err) {
      stack = String((err as Error).stack);
    }
    expect(stack).toContain("plugin.js:3");
  });

  it("a syntax error in the plugin is a load failure too", async () => {
    const p = await loadPlugin(`function (`);
    expect(() => p.entry.register()).toThrow(SyntaxError);
    expect(() => p.entry.register()).toThrow(SyntaxError);
  });
});

describe("register", () => {
  it("echoes the manifest and adds subscriptions and commands (overriding any in the manifest)", async () => {
    const manifest = {
      slug: "greeter",
      name: "Greeter",
      version: "1.2.3",
      permissions: ["chat.send", "chat.filter"],
      subscriptions: { notify: [{ event: "stale" }], filter: [] },
      commands: [{ name: "stale" }],
      config: { greeting: { type: "string", default: "hi" } },
    };
    const p = await loadPlugin(
      PRELUDE +
        `definePlugin({
          onChatMessage() {},
          filterChatMessage() {},
          commands: { hello: { description: "Say hello", run() {} } },
        });`,
      { manifest },
    );
    const out = JSON.parse(p.entry.register());
    expect(out).toEqual({
      ...manifest,
      subscriptions: {
        notify: [{ event: "chat.message.received" }],
        filter: [{ event: "chat.message.received", priority: 100 }],
      },
      commands: [
        {
          name: "hello",
          prefix: "!",
          description: "Say hello",
          usage: "",
          aliases: [],
          modOnly: false,
          caseSensitive: false,
          cooldownMs: 0,
        },
      ],
    });
  });

  it("without a manifest or a definePlugin call, reports empty lists", async () => {
    const p = await loadPlugin(`// nothing`);
    expect(JSON.parse(p.entry.register())).toEqual({
      subscriptions: { notify: [], filter: [] },
      commands: [],
    });
  });

  it("lists typed handlers in table order, then every `on` key (duplicates kept)", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `definePlugin({
          on: { "announcement.broadcast"() {}, "chat.message.received"() {}, tick() {} },
          onFediverseReply() {},
          onTick() {},
          onStreamStarted() {},
          onChatUserJoined() {},
          onFediverse() {},
          onFediverseQuote() {},
          onHttpRequest() {},
          onPageStyles() {},
          notAHandler: 42,
          onChatMessage: "not a function",
        });`,
    );
    const { subscriptions } = JSON.parse(p.entry.register());
    expect(subscriptions).toEqual({
      notify: [
        { event: "chat.user.joined" },
        { event: "stream.started" },
        { event: "tick" },
        { event: "fediverse.activity" },
        { event: "fediverse.quote" },
        { event: "fediverse.reply" },
        { event: "announcement.broadcast" },
        { event: "chat.message.received" },
        { event: "tick" },
      ],
      filter: [],
    });
  });

  it("every typed handler subscribes to its event", async () => {
    const table: Record<string, string> = {
      onChatMessage: "chat.message.received",
      onChatUserJoined: "chat.user.joined",
      onChatUserParted: "chat.user.parted",
      onChatUserRenamed: "chat.user.renamed",
      onMessageModerated: "chat.message.moderated",
      onStreamStarted: "stream.started",
      onStreamStopped: "stream.stopped",
      onStreamTitleChanged: "stream.title.changed",
      onSseConnect: "sse.connect",
      onSseDisconnect: "sse.disconnect",
      onTick: "tick",
      onFediverse: "fediverse.activity",
      onFediverseFollow: "fediverse.follow",
      onFediverseLike: "fediverse.like",
      onFediverseRepost: "fediverse.repost",
      onFediverseQuote: "fediverse.quote",
      onFediverseMention: "fediverse.mention",
      onFediverseReply: "fediverse.reply",
    };
    for (const [method, event] of Object.entries(table)) {
      const p = await loadPlugin(PRELUDE + `definePlugin({ ${method}() {} });`);
      expect(JSON.parse(p.entry.register()).subscriptions, method).toEqual({ notify: [{ event }], filter: [] });
    }
  });

  it("uses filterPriority when it is a number, else 100", async () => {
    const withPriority = await loadPlugin(PRELUDE + `definePlugin({ filterPriority: 5, filterChatMessage() {} });`);
    expect(JSON.parse(withPriority.entry.register()).subscriptions.filter).toEqual([
      { event: "chat.message.received", priority: 5 },
    ]);
    const bogus = await loadPlugin(PRELUDE + `definePlugin({ filterPriority: "1", filterChatMessage() {} });`);
    expect(JSON.parse(bogus.entry.register()).subscriptions.filter).toEqual([
      { event: "chat.message.received", priority: 100 },
    ]);
  });

  it("the last definePlugin call wins, and definePlugin returns its argument", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `const first = { onChatMessage() {}, commands: { a: { run() {} } } };
         globalThis.returned = definePlugin(first) === first;
         definePlugin({ onTick() {} });`,
    );
    const out = JSON.parse(p.entry.register());
    expect(p.context.returned).toBe(true);
    expect(out.subscriptions.notify).toEqual([{ event: "tick" }]);
    expect(out.commands).toEqual([]);
  });

  it("describes commands with prefix, case sensitivity, aliases, modOnly and cooldown", async () => {
    const p = await loadPlugin(
      PRELUDE +
        `definePlugin({
          commandPrefix: "?",
          commandsCaseSensitive: true,
          commands: {
            ping: { description: "Pong", usage: "?ping [n]", aliases: ["p", "PING"], modOnly: true, cooldownMs: 1500, run() {} },
            uptime: { run() {} },
          },
        });`,
    );
    expect(JSON.parse(p.entry.register()).commands).toEqual([
      {
        name: "ping",
        prefix: "?",
        description: "Pong",
        usage: "?ping [n]",
        aliases: ["p", "PING"],
        modOnly: true,
        caseSensitive: true,
        cooldownMs: 1500,
      },
      {
        name: "uptime",
        prefix: "?",
        description: "",
        usage: "",
        aliases: [],
        modOnly: false,
        caseSensitive: true,
        cooldownMs: 0,
      },
    ]);
  });

  it.each([
    [`commandPrefix: "", commands: { a: { run() {} } }`, "commandPrefix must be a non-empty string"],
    [`commandPrefix: 1, commands: { a: { run() {} } }`, "commandPrefix must be a non-empty string"],
    [`commands: { a: null }`, `command "a" must be an object`],
    [`commands: { a: "run" }`, `command "a" must be an object`],
    [`commands: { a: { aliases: "b", run() {} } }`, `command "a" aliases must be an array of strings`],
    [`commands: { a: { aliases: ["b", 2], run() {} } }`, `command "a" aliases must be an array of strings`],
    [`commands: { a: { cooldownMs: -1, run() {} } }`, `command "a" cooldownMs must be a non-negative integer`],
    [`commands: { a: { cooldownMs: 1.5, run() {} } }`, `command "a" cooldownMs must be a non-negative integer`],
    [`commands: { a: { cooldownMs: "10", run() {} } }`, `command "a" cooldownMs must be a non-negative integer`],
    [`commands: { a: { cooldownMs: 2 ** 53, run() {} } }`, `command "a" cooldownMs must be a non-negative integer`],
  ])("rejects an invalid command table (%s) when definePlugin runs", async (body, message) => {
    const p = await loadPlugin(PRELUDE + `definePlugin({ ${body} });`);
    expect(() => p.entry.register()).toThrow(message);
    let error: unknown;
    try {
      p.entry.__load();
    } catch (err) {
      error = err;
    }
    expect((error as Error).name).toBe("TypeError");
  });

  it("accepts a prefix without commands, and a commands table that is not an object is ignored", async () => {
    const p = await loadPlugin(PRELUDE + `definePlugin({ commandPrefix: "", commands: 3 });`);
    expect(JSON.parse(p.entry.register()).commands).toEqual([]);
  });
});
