// The chat pipeline the host benchmarks run: 3 filter plugins and 4 notification plugins
// (plugin sources, as the host loads them), the messages sent through them, and the same seven
// behaviours as plain JS functions for the baseline.
import type { PluginSource } from '../src/lib/host/host.js';

export const manifest = (slug: string, permissions: string[]) =>
  JSON.stringify({ api: '1', name: slug, slug, version: '1.0.0', permissions });

export const FILTERS: PluginSource[] = [
  {
    manifestJson: manifest('bench-profanity', ['chat.filter']),
    script: `const { definePlugin, filter } = require("@owncast/plugin-sdk");
      const banned = /\\b(darn|heck)\\b/gi;
      definePlugin({ filterPriority: 10, filterChatMessage(m) {
        return banned.test(m.body) ? filter.modify({ ...m, body: m.body.replace(banned, "****") }) : filter.pass(); } });`,
  },
  {
    manifestJson: manifest('bench-links', ['chat.filter']),
    script: `const { definePlugin, filter } = require("@owncast/plugin-sdk");
      definePlugin({ filterPriority: 20, filterChatMessage(m) {
        return /https?:\\/\\//.test(m.body) && !(m.user && m.user.scopes && m.user.scopes.includes("MODERATOR"))
          ? filter.drop("links are for moderators") : filter.pass(); } });`,
  },
  {
    manifestJson: manifest('bench-caps', ['chat.filter']),
    script: `const { definePlugin, filter } = require("@owncast/plugin-sdk");
      definePlugin({ filterPriority: 30, filterChatMessage(m) {
        const letters = m.body.replace(/[^A-Za-z]/g, "");
        return letters.length > 8 && letters === letters.toUpperCase() ? filter.modify({ ...m, body: m.body.toLowerCase() }) : filter.pass(); } });`,
  },
];

export const NOTIFIERS: PluginSource[] = [
  {
    manifestJson: manifest('bench-counter', ['storage.kv']),
    script: `const { definePlugin, owncast } = require("@owncast/plugin-sdk");
      let n = 0;
      definePlugin({ onChatMessage() { n++; if (n % 100 === 0) owncast.kv.set("count", String(n)); } });`,
  },
  {
    manifestJson: manifest('bench-echo', ['chat.send']),
    script: `const { definePlugin, owncast } = require("@owncast/plugin-sdk");
      definePlugin({ onChatMessage(m) { if (m.body.startsWith("!echo ")) owncast.chat.send(m.body.slice(6)); } });`,
  },
  {
    manifestJson: manifest('bench-words', []),
    script: `const { definePlugin } = require("@owncast/plugin-sdk");
      const words = new Map();
      definePlugin({ onChatMessage(m) { for (const w of m.body.toLowerCase().split(/\\s+/)) words.set(w, (words.get(w) || 0) + 1); } });`,
  },
  {
    manifestJson: manifest('bench-users', []),
    script: `const { definePlugin } = require("@owncast/plugin-sdk");
      const seen = new Set();
      definePlugin({ onChatMessage(m) { if (m.user) seen.add(m.user.id); } });`,
  },
];

export const BODIES = ['hello everyone', 'what the heck', '!echo hi there', 'THIS IS SO LOUD RIGHT NOW', 'see https://example.com', 'gg wp'];
export const message = (i: number) => ({
  id: `m${i}`,
  body: BODIES[i % BODIES.length],
  user: { id: `u${i % 50}`, displayName: `viewer${i % 50}`, scopes: [] },
  timestamp: new Date(1_764_000_000_000 + i * 1000).toISOString(),
});

// The same seven behaviours as plain functions, run the same way: filters in order, then notifications.
export function plainPipeline() {
  const banned = /\b(darn|heck)\b/gi;
  let n = 0;
  const words = new Map<string, number>();
  const seen = new Set<string>();
  const sent: string[] = [];
  type Msg = ReturnType<typeof message>;
  const filters: ((m: Msg) => { action: string; payload?: Msg })[] = [
    (m) => (banned.test(m.body) ? { action: 'modify', payload: { ...m, body: m.body.replace(banned, '****') } } : { action: 'pass' }),
    (m) => (/https?:\/\//.test(m.body) ? { action: 'drop' } : { action: 'pass' }),
    (m) => {
      const letters = m.body.replace(/[^A-Za-z]/g, '');
      return letters.length > 8 && letters === letters.toUpperCase() ? { action: 'modify', payload: { ...m, body: m.body.toLowerCase() } } : { action: 'pass' };
    },
  ];
  const notifiers: ((m: Msg) => void)[] = [
    () => void n++,
    (m) => {
      if (m.body.startsWith('!echo ')) sent.push(m.body.slice(6));
    },
    (m) => {
      for (const w of m.body.toLowerCase().split(/\s+/)) words.set(w, (words.get(w) ?? 0) + 1);
    },
    (m) => void seen.add(m.user.id),
  ];
  return async (input: string) => {
    // the host passes JSON across the boundary; so does the baseline
    let m = JSON.parse(input) as Msg;
    for (const f of filters) {
      const r = JSON.parse(JSON.stringify(f(m)));
      if (r.action === 'drop') return;
      if (r.action === 'modify') m = r.payload;
    }
    await Promise.all(notifiers.map(async (fn) => fn(JSON.parse(JSON.stringify(m)))));
  };
}
