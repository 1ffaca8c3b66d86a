// The declarations (src/lib/sdk/index.d.ts) against plugin code and against the runtime.

import { fileURLToPath } from "node:url";

import ts from "typescript";
import { describe, expect, it } from "vitest";

import { PRELUDE, loadPlugin } from "./harness.js";

const DECLARATIONS = fileURLToPath(new URL("../../src/lib/sdk/index.d.ts", import.meta.url));

const GOOD = `
import { definePlugin, owncast, filter, Events, Permissions, FilterAction, authCheck,
  type ChatMessage, type PluginDef, type FilterResult } from "@owncast/plugin-sdk";

const perm: "chat.send" = Permissions.ChatSend;
const ev: "tick" = Events.Tick;
const act: "drop" = FilterAction.Drop;

export default definePlugin({
  filterPriority: 10,
  onChatMessage(msg) {
    const who: string | undefined = msg.user?.displayName;
    if (msg.clientId !== undefined) owncast.chat.sendTo(msg.clientId, "hi " + who);
    owncast.chat.replyTo(msg, "hey");
  },
  filterChatMessage(msg: ChatMessage): FilterResult {
    if (msg.body.includes("spam")) return filter.drop("spam");
    return msg.user?.scopes?.includes("MODERATOR") ? filter.pass() : filter.modify({ ...msg, body: msg.body.trim() });
  },
  async onTick({ now }) { owncast.log.info("tick", now); },
  onStreamStarted(info) { owncast.chat.send("Live: " + (info.title ?? "")); },
  onSseConnect(ev) { owncast.sse.send(ev.channel, "", { id: ev.connectionId }); },
  onFediverseMention(post) { owncast.chat.system(post.contentText); },
  on: { "other.ping"(payload) { owncast.events.emit("other.pong", payload); } },
  commands: {
    so: {
      description: "Shout out", usage: "!so <name>", aliases: ["shoutout"], modOnly: true, cooldownMs: 5000,
      run(ctx) { ctx.reply("Go follow " + ctx.argString + " (" + ctx.invokedAs + ")"); ctx.replyPrivately(ctx.args.join(",")); },
    },
  },
  commandPrefix: "!",
  commandsCaseSensitive: false,
  onHttpRequest(req) {
    if (req.method === "POST") return { status: 201, headers: { "content-type": "application/json" }, body: req.body };
    if (req.path === "/bin") return { body: new Uint8Array([1, 2]) };
    return undefined;
  },
  onAuthCheck(req) { return req.user ? authCheck.ok() : authCheck.deny("no user"); },
  onTabContent(req) { return "<p>" + req.slug + "</p>"; },
  onPageContent: async () => "<div></div>",
  onPageStyles() { return "body{}"; },
  onPageScripts() {},
});

const history: ChatMessage[] = owncast.chat.history(10);
const count: number = owncast.kv.getJSON<number>("count", 0);
owncast.kv.set("count", count + 1);
const rows = owncast.sql.query<{ id: number }>("SELECT id FROM t WHERE x = ?", [1]);
const first: number | undefined = rows[0]?.id;
const res = owncast.sql.exec("DELETE FROM t");
const affected: number = res.rowsAffected + owncast.storage.sql.exec("SELECT 1").lastInsertId;
const id: number = owncast.timer.setInterval(() => owncast.timer.clear(id), 1000);
const cfg = owncast.config.get<string>("greeting", "hello");
const bytes: Uint8Array | null = owncast.assets.read("a.bin") ?? owncast.fs.read("b.bin");
const ok: boolean = owncast.fs.write("x", "y").ok && owncast.fs.exists("x");
const user = owncast.users.register({ authId: "gh:1" }).userId;
owncast.auth.grantSession({ userId: user, ttl: 60 });
const res2 = owncast.http.fetch("https://api.example.com", { method: "POST", body: "{}" });
const status: number = res2.status;
const vc = owncast.videoConfig.read().variants.length;
owncast.videoConfig.write({ latencyLevel: 2 });
owncast.actions.add({ title: "Vote", url: "/vote" });
owncast.notifications.browserPush("Live");
const live: boolean = owncast.stream.current().online;
const emotes = owncast.server.emotes().map((e) => e.name);
const def: PluginDef = {};
export { history, first, affected, cfg, bytes, ok, status, vc, live, emotes, def, perm, ev, act };
`;

const BAD: Record<string, string> = {
  "user is an object, not a string": `definePlugin({ onChatMessage(msg) { msg.user.toUpperCase(); } });`,
  "a filter cannot return a string": `definePlugin({ filterChatMessage() { return "drop"; } });`,
  "kv has no delete": `owncast.kv.delete("k");`,
  "unknown handler payload field": `definePlugin({ onTick(ev) { ev.later; } });`,
  "command run is required": `definePlugin({ commands: { a: { description: "x" } } });`,
  "content handlers return strings": `definePlugin({ onTabContent() { return 5; } });`,
  "a misspelt handler is an error": `definePlugin({ onChatMesage() {} });`,
  "permissions are string literals": `const p: "chat.sent" = Permissions.ChatSend;`,
};

function compile(files: Record<string, string>): Map<string, string[]> {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    lib: ["lib.es2022.d.ts"],
    types: [],
    baseUrl: "/virtual",
    paths: { "@owncast/plugin-sdk": [DECLARATIONS] },
  };
  const host = ts.createCompilerHost(options);
  const virtual = new Map(Object.entries(files).map(([name, text]) => [`/virtual/${name}`, text]));
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, lang, ...rest) =>
    virtual.has(f) ? ts.createSourceFile(f, virtual.get(f)!, lang) : getSourceFile.call(host, f, lang, ...rest);
  const program = ts.createProgram([...virtual.keys(), DECLARATIONS], options, host);
  const out = new Map<string, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file?.fileName ?? "(global)";
    out.set(file, [...(out.get(file) ?? []), ts.flattenDiagnosticMessageText(d.messageText, "\n")]);
  }
  return out;
}

/** Property names of each owncast namespace, as declared. */
function declaredOwncast(): Record<string, string[]> {
  const program = ts.createProgram([DECLARATIONS], { strict: true, noEmit: true, types: [] });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(DECLARATIONS)!;
  const symbol = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!).find((s) => s.name === "owncast")!;
  const type = checker.getTypeOfSymbolAtLocation(symbol, source);
  const out: Record<string, string[]> = {};
  for (const ns of type.getProperties()) {
    out[ns.name] = checker
      .getTypeOfSymbolAtLocation(ns, source)
      .getProperties()
      .map((p) => p.name)
      .sort();
  }
  return out;
}

describe("index.d.ts", () => {
  it("type-checks a plugin that uses the whole API, and rejects misuse", () => {
    const files: Record<string, string> = { "good.ts": GOOD };
    const names = Object.keys(BAD);
    names.forEach((name, i) => {
      files[`bad${i}.ts`] =
        `import { definePlugin, owncast, Permissions } from "@owncast/plugin-sdk";\n` + BAD[name] + `\nexport {};\n`;
    });
    const diagnostics = compile(files);
    expect(diagnostics.get("/virtual/good.ts") ?? []).toEqual([]);
    expect(diagnostics.get(DECLARATIONS) ?? []).toEqual([]);
    for (const [i, name] of names.entries()) {
      expect(diagnostics.get(`/virtual/bad${i}.ts`)?.length ?? 0, name).toBeGreaterThan(0);
    }
  });

  it("declares exactly the owncast namespaces and methods the runtime provides", async () => {
    const runtime = (await loadPlugin(PRELUDE)).sdk().owncast;
    const actual: Record<string, string[]> = {};
    for (const ns of Object.keys(runtime)) actual[ns] = Object.keys(runtime[ns]).sort();
    expect(declaredOwncast()).toEqual(actual);
  });
});
