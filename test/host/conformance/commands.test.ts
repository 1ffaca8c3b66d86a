// Chat commands and !help through a PluginHost (production commands_test, help_test and
// shared_engine_test's JS commands case; reference-production-host.md §3.1, §7).
import { afterEach, describe, expect, it } from 'vitest';

import type { PluginHost } from '../../../src/lib/host/host.js';
import { chatMessage, recordingHost, type Recorded } from '../../helpers/host.js';
import { load, said } from './helpers.js';

let host: PluginHost;
let rec: Recorded;
afterEach(() => host?.close());

/** A message from `user` at 12:00:00 plus `ms`. */
const at = (body: string, user: string, ms: number) =>
  chatMessage(body, { user: { id: user, displayName: user }, timestamp: new Date(Date.UTC(2026, 10, 29, 12, 0, 0, ms)).toISOString() });

describe('chat commands through a PluginHost', () => {
  it('commands from `commands: {uptime: {description, run}}` are reported with prefix "!" and listed by !help', async () => {
    ({ host, rec } = recordingHost());
    const plugin = await load(host, 'commands');
    expect(plugin.commands.find((c) => c.name === 'uptime')).toEqual({
      name: 'uptime',
      prefix: '!',
      description: 'Stream uptime',
      usage: '',
      aliases: [],
      modOnly: false,
      caseSensitive: false,
      cooldownMs: 0,
    });
    const help = await host.dispatchChatMessage(chatMessage('!help'));
    expect(help.help).toBe(
      'Available chat commands:\n\n**Commands**\n\n' +
        '- `!later` — Cools down on its own\n- `!slow` — Once a second per viewer\n- `!uptime` — Stream uptime',
    );
    // the host answers as the system, not as the plugin
    expect(rec.chat).toEqual([{ slug: '', kind: 'system', text: help.help }]);
    const run = await host.dispatchChatMessage(chatMessage('!uptime'));
    expect(run.commands).toEqual([{ slug: 'commands', command: 'uptime', ok: true }]);
    expect(said(rec, 'commands')).toEqual(['uptime for u1']);
  });

  it('cooldowns are per user and per command, end exactly at +cooldownMs, and expired entries are swept after 60 s', async () => {
    ({ host, rec } = recordingHost());
    await load(host, 'commands');
    const ran = async (body: string, user: string, ms: number) => (await host.dispatchChatMessage(at(body, user, ms))).commands.length === 1;
    expect(await ran('!slow', 'alice', 0)).toBe(true);
    expect(await ran('!slow', 'alice', 999)).toBe(false);
    // another viewer, and another command of the same viewer, have their own cooldowns
    expect(await ran('!slow', 'bob', 999)).toBe(true);
    expect(await ran('!later', 'alice', 999)).toBe(true);
    expect(await ran('!slow', 'alice', 1000)).toBe(true);
    expect(said(rec, 'commands')).toEqual(['slow for alice', 'slow for bob', 'later for alice', 'slow for alice']);
    expect(host.dispatcher.cooldownEntries('commands')).toBe(3);
    // a minute on, the next cooldown check sweeps every expired entry
    expect(await ran('!slow', 'carol', 61_000)).toBe(true);
    expect(host.dispatcher.cooldownEntries('commands')).toBe(1);
  });
});
