import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDevEnv, createRecordingEnv, sampleWorld } from '../../../src/lib/host/env/index.js';
import { chatMessage } from '../../helpers/host.js';
import { startPlugin, type Running } from './harness.js';

describe('chat.* through a real plugin', () => {
  let p: Running;
  beforeAll(async () => {
    p = await startPlugin('chat-bot', { env: createRecordingEnv(sampleWorld()) });
  });
  afterAll(() => p.close());

  it("send, action and system post as the plugin's bot (slug and bot display name)", async () => {
    p.env.clear();
    await p.call('/send', { text: 'hello chat' });
    await p.call('/action', { text: 'waves' });
    await p.call('/system', { html: '<b>Stream starts soon</b>' });
    expect(p.env.calls).toEqual([
      { slug: 'chat-bot', fn: 'chat.send', args: { kind: 'bot', text: 'hello chat', botDisplayName: 'Helper Bot' } },
      { slug: 'chat-bot', fn: 'chat.send', args: { kind: 'action', text: 'waves', botDisplayName: 'Helper Bot' } },
      { slug: 'chat-bot', fn: 'chat.send', args: { kind: 'system', text: '<b>Stream starts soon</b>', botDisplayName: 'Helper Bot' } },
    ]);
  });

  it('sendTo and kick carry the client id as a 64-bit integer; replyTo uses the message clientId', async () => {
    p.env.clear();
    await p.call('/sendTo', { clientId: 102, text: 'psst' });
    await p.call('/kick', { clientId: 103 });
    await p.event('chat.message.received', chatMessage('!whisper', { clientId: 101 }));
    expect(p.env.calls).toEqual([
      { slug: 'chat-bot', fn: 'chat.sendTo', args: { clientId: 102n, text: 'psst' } },
      { slug: 'chat-bot', fn: 'chat.kick', args: { clientId: 103n } },
      { slug: 'chat-bot', fn: 'chat.sendTo', args: { clientId: 101n, text: 'just for you' } },
    ]);
  });

  it('history(limit) returns the last messages in the production shape, user as an object', async () => {
    p.env.clear();
    const last2 = await p.call('/history', { limit: 2 });
    expect(last2).toEqual([
      {
        id: 'msg-3',
        user: { id: 'u-guest42', displayName: 'curious-otter' },
        body: 'first time here, what game is this?',
        timestamp: '2026-11-29T19:48:00.000Z',
      },
      {
        id: 'msg-4',
        user: { id: 'u-ada', displayName: 'ada', isAuthenticated: true },
        body: 'gg on that split',
        timestamp: '2026-11-29T19:58:00.000Z',
      },
    ]);
    expect(p.env.callsOf('chat.history')).toEqual([{ slug: 'chat-bot', fn: 'chat.history', args: { limit: 2 } }]);
  });

  it('history() with no limit, 0 or a negative limit asks Owncast for the default 50', async () => {
    p.env.clear();
    await p.call('/history', {});
    await p.call('/history', { limit: 0 });
    await p.call('/history', { limit: -5 });
    expect(p.env.callsOf('chat.history').map((c) => c.args.limit)).toEqual([50, 50, 50]);
  });

  it('a limit past int32 is truncated like production (2^32 + 3 → 3)', async () => {
    p.env.clear();
    await p.call('/history', { limit: 2 ** 32 + 3 });
    expect(p.env.callsOf('chat.history').map((c) => c.args.limit)).toEqual([3]);
  });

  it('an onChatMessage handler reads history and replies', async () => {
    p.env.clear();
    await p.event('chat.message.received', chatMessage('!recap'));
    expect(p.env.callsOf('chat.send')[0]?.args.text).toBe(
      'last 3: welcome in, ada | first time here, what game is this? | gg on that split',
    );
  });

  it('clients() gives connected clients with their numeric ids and messageCount always present', async () => {
    p.env.world.chatClients = [{ id: 7, messageCount: 0 }, ...p.env.world.chatClients.slice(0, 1)];
    const clients = (await p.call('/clients')) as Record<string, unknown>[];
    expect(clients[0]).toEqual({ id: 7, messageCount: 0 });
    expect(clients[1]).toMatchObject({ id: 101, userId: 'u-ada', messageCount: 2 });
  });

  it('deleteMessage reaches Owncast with the message id (from an HTTP route and from a chat handler)', async () => {
    p.env.clear();
    await p.call('/delete', { id: 'msg-2' });
    await p.event('chat.message.received', chatMessage('buy spam now', { id: 'msg-99' }));
    expect(p.env.callsOf('chat.deleteMessage').map((c) => c.args.messageId)).toEqual(['msg-2', 'msg-99']);
  });
});

describe('the dev env under a real plugin', () => {
  it('prints what the plugin does and shows its own message in the history it reads back', async () => {
    const lines: string[] = [];
    const p = await startPlugin('chat-bot', { env: createDevEnv((l) => lines.push(l)) });
    try {
      await p.call('/send', { text: 'hello from dev' });
      await p.call('/kick', { clientId: 103 });
      expect(lines).toEqual(['[chat-bot] chat  Helper Bot: hello from dev', '[chat-bot] moderation: kicked client 103']);
      const last = (await p.call('/history', { limit: 1 })) as { body: string; user: unknown }[];
      expect(last).toMatchObject([{ body: 'hello from dev', user: { id: 'bot-chat-bot', displayName: 'Helper Bot', isBot: true } }]);
      expect(((await p.call('/clients')) as { id: number }[]).map((c) => c.id)).toEqual([101, 102]);
    } finally {
      await p.close();
    }
  });
});
