// Chat commands and !help (production commands_test, help_test; §3.1), delivered to real plugins.
import { afterEach, describe, expect, it } from 'vitest';

import {
  CommandCooldowns,
  buildHelpMessage,
  commandAllowed,
  isHelpCommand,
  matchCommand,
  parseRfc3339Millis,
} from '../../../src/lib/host/dispatch/index.js';
import type { PluginCommand } from '../../../src/lib/host/types.js';
import { chat, harness, type Harness } from './helpers.js';

let h: Harness;
afterEach(() => h?.close());

const command = (name: string, extra: Partial<PluginCommand> = {}): PluginCommand => ({
  name,
  prefix: '!',
  description: '',
  usage: '',
  aliases: [],
  modOnly: false,
  caseSensitive: false,
  cooldownMs: 0,
  ...extra,
});

describe('matching (commands_test)', () => {
  it('"?PING one  two" with prefix "?" matches "ping" case-insensitively, args split, argString keeps inner spacing', () => {
    const ping = command('ping', { prefix: '?', aliases: ['p'] });
    expect(matchCommand({ body: '?PING one  two' }, ping)).toEqual({
      message: { body: '?PING one  two' },
      command: 'ping',
      invokedAs: 'PING',
      args: ['one', 'two'],
      argString: 'one  two',
    });
    expect(matchCommand({ body: '?PING one  two' }, { ...ping, caseSensitive: true })).toBeNull();
    expect(matchCommand({ body: '?unknown' }, ping)).toBeNull();
    expect(matchCommand({ body: '?p' }, ping)?.invokedAs).toBe('p');
  });

  it('needs the prefix first (leading spaces break it) and a word after it', () => {
    const ping = command('ping');
    expect(matchCommand({ body: ' !ping' }, ping)).toBeNull();
    expect(matchCommand({ body: '!' }, ping)).toBeNull();
    expect(matchCommand({ body: '!   ping   x ' }, ping)).toMatchObject({ invokedAs: 'ping', args: ['x'], argString: 'x' });
    expect(matchCommand({ body: '!pingpong' }, ping)).toBeNull();
  });

  it('modOnly denies anonymous senders and viewers, allows the MODERATOR scope', () => {
    const ban = command('announce', { modOnly: true });
    expect(commandAllowed({}, ban)).toBe(false);
    expect(commandAllowed({ user: { id: 'viewer' } }, ban)).toBe(false);
    expect(commandAllowed({ user: { id: 'mod', scopes: ['MODERATOR'] } }, ban)).toBe(true);
  });

  it('cooldowns are per user and per command, expire exactly at +cooldownMs and are swept after 60 s', () => {
    const c = new CommandCooldowns();
    const ping = command('ping', { cooldownMs: 1000 });
    const at = (user: string, timestamp: string) => ({ user: { id: user }, timestamp });
    expect(c.ready(at('u1', '2026-01-01T00:00:00Z'), ping)).toBe(true);
    expect(c.ready(at('u1', '2026-01-01T00:00:00.500Z'), ping)).toBe(false);
    expect(c.ready(at('u2', '2026-01-01T00:00:00.500Z'), ping)).toBe(true);
    expect(c.ready(at('u1', '2026-01-01T00:00:00.500Z'), command('other', { cooldownMs: 1000 }))).toBe(true);
    expect(c.ready(at('u1', '2026-01-01T00:00:01Z'), ping)).toBe(true);
    expect(c.ready(at('u3', '2026-01-01T00:02:00Z'), ping)).toBe(true);
    expect(c.size).toBe(1);
  });

  it('a MaxInt64 cooldown never overflows into "ready"; an unparsable timestamp means no cooldown', () => {
    const c = new CommandCooldowns();
    const forever = command('ping', { cooldownMs: Number('9223372036854775807') });
    expect(c.ready({ user: { id: 'u1' }, timestamp: '2026-01-01T00:00:00Z' }, forever)).toBe(true);
    expect(c.ready({ user: { id: 'u1' }, timestamp: '2026-01-01T00:00:01Z' }, forever)).toBe(false);
    expect(c.ready({ user: { id: 'u1' }, timestamp: 'yesterday' }, forever)).toBe(true);
  });

  it('reads timestamps as Go\'s RFC3339Nano does', () => {
    expect(parseRfc3339Millis('2026-01-01T00:00:00Z')).toBe(Date.UTC(2026, 0, 1));
    expect(parseRfc3339Millis('2026-01-01T01:00:00.123456789+01:00')).toBe(Date.UTC(2026, 0, 1) + 123);
    for (const bad of ['2026-01-01 00:00:00Z', '2026-02-30T00:00:00Z', '2026-01-01T00:00:00', '2026-01-01T24:00:00Z', 42]) {
      expect(parseRfc3339Millis(bad)).toBeNull();
    }
  });
});

describe('delivery to plugins', () => {
  it('runs the command in the plugin with the CommandEvent; an alias reports invokedAs', async () => {
    h = harness();
    await h.load('commander', { kv: { prefix: '?' } });
    const r = await h.dispatcher.dispatchChatMessage(chat('?PING one  two'));
    expect(r.commands).toEqual([{ slug: 'commander', command: 'ping', ok: true }]);
    await h.dispatcher.dispatchChatMessage(chat('?p'));
    expect(h.said('commander')).toEqual(['ping as PING [one|two] "one  two" from u1', 'ping as p [] "" from u1']);
  });

  it('case-sensitive commands reject other casings; unknown commands are silent', async () => {
    h = harness();
    await h.load('commander', { kv: { case: 'yes' } });
    const r = await h.dispatcher.dispatchChatMessage(chat('!PING'));
    await h.dispatcher.dispatchChatMessage(chat('!nothing here'));
    expect(r.commands).toEqual([]);
    expect(h.chat).toEqual([]);
    expect(h.warnings).toEqual([]);
  });

  it('two plugins declaring "ping" both receive it, in snapshot order', async () => {
    h = harness();
    await h.load('commander', { slug: 'second' });
    await h.load('commander', { slug: 'first' });
    const r = await h.dispatcher.dispatchChatMessage(chat('!ping'));
    expect(r.commands.map((c) => c.slug)).toEqual(['second', 'first']);
    expect(h.chat.map((c) => c.slug).sort()).toEqual(['first', 'second']);
  });

  it('modOnly and cooldowns gate delivery', async () => {
    h = harness();
    await h.load('commander');
    const mod = { user: { id: 'm', scopes: ['MODERATOR'] } };
    expect((await h.dispatcher.dispatchChatMessage(chat('!ban x'))).commands).toEqual([]);
    expect((await h.dispatcher.dispatchChatMessage(chat('!ban x', mod))).commands).toHaveLength(1);
    expect((await h.dispatcher.dispatchChatMessage(chat('!slow'))).commands).toHaveLength(1);
    expect((await h.dispatcher.dispatchChatMessage(chat('!slow', { timestamp: '2026-01-01T00:00:00.999Z' }))).commands).toEqual([]);
    expect((await h.dispatcher.dispatchChatMessage(chat('!slow', { timestamp: '2026-01-01T00:00:01Z' }))).commands).toHaveLength(1);
    expect(h.dispatcher.cooldownEntries('commander')).toBe(1);
  });

  it('commands see the filtered message; bots never trigger them', async () => {
    h = harness();
    await h.load('commander');
    await h.load('filterer', { kv: { tag: 'tail' } });
    await h.dispatcher.dispatchChatMessage(chat('!ping a'));
    await h.dispatcher.dispatchChatMessage(chat('!ping b', { user: { id: 'bot', isBot: true } }));
    expect(h.said('commander')).toEqual(['ping as ping [a+tail] "a+tail" from u1']);
  });

  it('a failing command is logged and strikes', async () => {
    h = harness();
    await h.load('commander');
    const r = await h.dispatcher.dispatchChatMessage(chat('!fail'));
    expect(r.commands).toEqual([{ slug: 'commander', command: 'fail', ok: false, error: expect.any(Error) }]);
    expect(h.warnings).toEqual([expect.stringMatching(/^plugin commander: on_event\(chat\.command\) failed: .*command failed/)]);
    expect(h.dispatcher.strikes('commander')).toBe(1);
  });
});

describe('!help (help_test)', () => {
  it('detects "!help", "  !help  ", "!HELP" and "!commands", not "help" or "!helpme"', () => {
    for (const b of ['!help', '  !help  ', '!HELP', '!commands']) expect(isHelpCommand(b)).toBe(true);
    for (const b of ['help', '!helpme', '!uptime', '']) expect(isHelpCommand(b)).toBe(false);
  });

  it('lists commands grouped by plugin (display name order), sorted, mod-only hidden from viewers and tagged for mods', () => {
    const plugins = [
      { slug: 'timer-bot', name: 'Timer Bot', commands: [command('remind', { description: 'Set a reminder' })] },
      {
        slug: 'stream-tracker',
        name: 'Stream Tracker',
        commands: [command('who', { description: "Who's in chat" }), command('uptime', { description: 'Stream uptime' })],
      },
      { slug: 'mod', name: '', commands: [command('ban', { description: 'Ban a user', modOnly: true }), command('rules', { prefix: '?' })] },
      { slug: 'quiet', name: 'Quiet', commands: [] },
    ];
    expect(buildHelpMessage(plugins, false)).toBe(
      'Available chat commands:\n\n' +
        '**Stream Tracker**\n\n- `!uptime` — Stream uptime\n- `!who` — Who\'s in chat\n\n' +
        '**Timer Bot**\n\n- `!remind` — Set a reminder\n\n' +
        '**mod**\n\n- `?rules`',
    );
    expect(buildHelpMessage(plugins, true)).toContain('**mod**\n\n- `!ban` — Ban a user _(mod)_\n- `?rules`');
    expect(buildHelpMessage([], false)).toBe('');
    expect(buildHelpMessage([{ slug: 'x', name: 'X', commands: [command('ban', { modOnly: true })] }], false)).toBe('');
  });

  it('answers !help as a system message from the loaded plugins; a plugin declaring "help" still gets it', async () => {
    h = harness();
    await h.load('commander');
    const r = await h.dispatcher.dispatchChatMessage(chat('  !HELP  '));
    const expected =
      'Available chat commands:\n\n**Commander**\n\n' +
      '- `!fail`\n- `!help` — Plugin help\n- `!ping` — Answers pong\n- `!slow` — Once a second';
    expect(r.help).toBe(expected);
    expect(h.system).toEqual([expected]);
    // "  !HELP  " does not match the plugin's own help (leading spaces), "!help" does
    expect(r.commands).toEqual([]);
    const plain = await h.dispatcher.dispatchChatMessage(chat('!help', { user: { id: 'm', scopes: ['MODERATOR'] } }));
    expect(plain.commands).toEqual([{ slug: 'commander', command: 'help', ok: true }]);
    expect(h.system[1]).toContain('- `!ban` — Ban a user _(mod)_');
  });

  it('stays silent when no plugin has commands', async () => {
    h = harness();
    await h.load('listener');
    const r = await h.dispatcher.dispatchChatMessage(chat('!commands'));
    expect(r.help).toBeNull();
    expect(h.system).toEqual([]);
  });
});
