import { describe, expect, it } from "vitest";

import { HOST_FUNCTIONS } from "./host-functions.js";
import { PRELUDE, loadPlugin, plain } from "./harness.js";

async function sdk() {
  return (await loadPlugin(PRELUDE)).sdk();
}

describe("module exports", () => {
  it("exports the public API plus the internal describe/dispatch functions", async () => {
    const mod = await sdk();
    expect(Object.keys(mod).sort()).toEqual(
      [
        "definePlugin",
        "owncast",
        "filter",
        "authCheck",
        "FilterAction",
        "Events",
        "Permissions",
        "describeSubscriptions",
        "describeCommands",
        "dispatchEvent",
        "dispatchFilter",
        "dispatchHttp",
        "dispatchAuthCheck",
        "dispatchTabContent",
        "dispatchPageContent",
        "dispatchPageStyles",
        "dispatchPageScripts",
      ].sort(),
    );
  });

  it("Events lists every built-in event of the production host", async () => {
    const { Events } = await sdk();
    expect(Object.isFrozen(Events)).toBe(true);
    expect(Object.values(Events).sort()).toEqual(
      [
        "chat.message.received",
        "chat.user.joined",
        "chat.user.parted",
        "chat.user.renamed",
        "chat.message.moderated",
        "stream.started",
        "stream.stopped",
        "stream.title.changed",
        "sse.connect",
        "sse.disconnect",
        "tick",
        "fediverse.follow",
        "fediverse.like",
        "fediverse.repost",
        "fediverse.mention",
        "fediverse.reply",
        "fediverse.quote",
        "fediverse.activity",
      ].sort(),
    );
    expect(Events.ChatMessageReceived).toBe("chat.message.received");
    expect(Events.SseConnect).toBe("sse.connect");
    expect(Events.Tick).toBe("tick");
    expect(Object.values(Events)).not.toContain("chat.command");
    expect(Object.values(Events)).not.toContain("timer.fire");
  });

  it("Permissions has the 23 identifiers under the reference SDK's constant names", async () => {
    const { Permissions } = await sdk();
    expect(Object.isFrozen(Permissions)).toBe(true);
    expect(plain(Permissions)).toEqual({
      ChatSend: "chat.send",
      ChatHistory: "chat.history",
      ChatModerate: "chat.moderate",
      ChatFilter: "chat.filter",
      StorageKV: "storage.kv",
      StorageUpload: "storage.upload",
      StorageFS: "storage.fs",
      StorageSQL: "storage.sql",
      EventsEmit: "events.emit",
      NetworkFetch: "network.fetch",
      HttpServe: "http.serve",
      HttpSSE: "http.sse",
      ServerRead: "server.read",
      NotificationsSend: "notifications.send",
      UsersRead: "users.read",
      UsersModerate: "users.moderate",
      UsersRegister: "users.register",
      AuthGate: "auth.gate",
      FediversePost: "fediverse.post",
      FediverseInbound: "fediverse.inbound",
      VideoConfigRead: "videoconfig.read",
      VideoConfigWrite: "videoconfig.write",
      UIModify: "ui.modify",
    });
    const values: string[] = Object.values(Permissions);
    for (const { permission } of Object.values(HOST_FUNCTIONS)) {
      if (permission) expect(values).toContain(permission);
    }
  });

  it("filter and FilterAction are frozen and build the verdicts", async () => {
    const { filter, FilterAction } = await sdk();
    expect(Object.isFrozen(filter)).toBe(true);
    expect(Object.isFrozen(FilterAction)).toBe(true);
    expect(plain(FilterAction)).toEqual({ Pass: "pass", Modify: "modify", Drop: "drop" });
    expect(plain(filter.pass())).toEqual({ action: "pass" });
    expect(plain(filter.modify({ body: "x" }))).toEqual({ action: "modify", payload: { body: "x" } });
    expect(plain(filter.drop("spam"))).toEqual({ action: "drop", reason: "spam" });
    expect(plain(filter.drop())).toEqual({ action: "drop", reason: "" });
    expect(filter.pass()).not.toBe(filter.pass());
  });

  it("authCheck builds the auth verdicts", async () => {
    const { authCheck } = await sdk();
    expect(Object.isFrozen(authCheck)).toBe(true);
    expect(plain(authCheck.ok())).toEqual({ action: "ok" });
    expect(plain(authCheck.refresh())).toEqual({ action: "refresh" });
    expect(plain(authCheck.refresh({ ttl: 30 }))).toEqual({ action: "refresh", ttl: 30 });
    expect(plain(authCheck.deny())).toEqual({ action: "deny", reason: "" });
    expect(plain(authCheck.deny("banned"))).toEqual({ action: "deny", reason: "banned" });
  });

  it("the internal dispatch functions return objects (the entry serialises them)", async () => {
    const p = await loadPlugin(
      PRELUDE + `definePlugin({ filterChatMessage: () => filter.drop("x"), onHttpRequest: () => ({ body: "b" }) });`,
    );
    const mod = p.sdk();
    expect(plain(mod.dispatchFilter({ eventType: "chat.message.received", payload: {} }))).toEqual({
      action: "drop",
      reason: "x",
    });
    expect(plain(mod.dispatchHttp({ path: "/" }))).toEqual({ status: 200, headers: {}, body: "b" });
    expect(plain(mod.describeSubscriptions())).toEqual({
      notify: [],
      filter: [{ event: "chat.message.received", priority: 100 }],
    });
    expect(plain(mod.describeCommands())).toEqual([]);
  });

  it("each instance has its own SDK state", async () => {
    const a = await loadPlugin(PRELUDE + `definePlugin({ onTick() {} });`);
    const b = await loadPlugin(PRELUDE + `definePlugin({ onChatMessage() {} });`);
    expect(JSON.parse(a.entry.register()).subscriptions.notify).toEqual([{ event: "tick" }]);
    expect(JSON.parse(b.entry.register()).subscriptions.notify).toEqual([{ event: "chat.message.received" }]);
  });
});
