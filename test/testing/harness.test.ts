// The harness a JS test API wraps (issue 5 item 5): openHarness loads a project (built when
// stale) into a fresh host with a `given` object validated like a scenario file's, and each
// step is a method whose effects can be read back.

import { afterAll, describe, expect, it } from 'vitest';

import { UserError } from '../../src/lib/errors.js';
import { openHarness, parseGiven } from '../../src/lib/testing/index.js';
import { chat, kitchenProject, quietContext, removeTemps } from './helpers.js';

afterAll(removeTemps);

describe('openHarness', () => {
  it('loads a project with a given, drives it step by step and reads the effects', async () => {
    const dir = await kitchenProject();
    const harness = await openHarness({ dir, given: { kv: { seeded: 'yes' }, config: { greeting: 'Howdy' } }, ctx: quietContext(dir) });
    try {
      await harness.event('chat.message.received', chat('hi'));
      expect(harness.effects.chat('bot', null)).toEqual(['hello, alice!']);

      const filtered = await harness.filter('chat.message.received', chat('buy spam'));
      expect(filtered.dropped).toEqual({ slug: 'kitchen', reason: 'spam is not welcome here' });

      await harness.command('!roll 4', { user: 'bob' });
      await harness.event('do', { what: 'timer', ms: 500 });
      await harness.advance(500);
      await harness.emit('kitchen.do', { what: 'config' });
      expect(harness.effects.chat('bot', null).slice(1)).toEqual(['bob rolled 4', 'timer fired', 'greeting: Howdy']);

      const reply = await harness.http({ method: 'GET', path: '/api/echo?q=1' });
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ query: { q: '1' } });

      expect(harness.kv('seeded')).toBe('yes');
      expect(harness.strikes()).toBe(0);
      expect(harness.peakMemoryBytes()).toBeGreaterThan(0);
    } finally {
      await harness.close();
    }
  });

  it('a given object is validated like a scenario file’s, every problem with its pointer', () => {
    const err = (() => {
      try {
        parseGiven({ kv: { n: 1 }, stream: { viewers: 'many' } });
      } catch (e) {
        return e;
      }
    })() as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.diagnostics.map((d) => `${d.pointer}: ${d.text}`)).toEqual([
      '/given/kv/n: must be a string, not a number',
      '/given/stream: json: cannot unmarshal string into Go struct field StreamInfo.viewers of type int',
    ]);
    expect(parseGiven({ kv: { a: '1' } })).toEqual({ kv: { a: '1' } });
  });
});
