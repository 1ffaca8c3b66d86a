// register() agreement, checked against register() outputs as the engine writes them
// (production §4 last paragraph). The same checks run on real plugins in manager.test.ts.
import { describe, expect, it } from 'vitest';

import { PluginError } from '../../../src/lib/errors.js';
import { AgreementError, checkRegistration, MAX_REGISTER_OUTPUT_BYTES } from '../../../src/lib/host/manager/index.js';
import { parseManifest, type Manifest } from '../../../src/lib/manifest/index.js';

function sidecar(extra: Record<string, unknown> = {}): Manifest {
  const r = parseManifest(JSON.stringify({ api: '1', name: 'Agree Test', version: '1.0.0', permissions: ['chat.send', 'storage.kv'], ...extra }));
  return r.manifest!;
}

const output = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    api: '1',
    name: 'Agree Test',
    version: '1.0.0',
    permissions: ['chat.send', 'storage.kv'],
    subscriptions: { notify: [{ event: 'chat.message.received' }], filter: [] },
    commands: [],
    ...extra,
  });

function mismatch(manifest: Manifest, out: unknown): AgreementError {
  try {
    checkRegistration(manifest, out);
  } catch (err) {
    expect(err).toBeInstanceOf(AgreementError);
    expect(err).toBeInstanceOf(PluginError);
    expect((err as PluginError).slug).toBe(manifest.slug);
    expect((err as PluginError).exportName).toBe('register');
    expect((err as PluginError).exitCode).toBe(1);
    return err as AgreementError;
  }
  throw new Error('the registration was accepted');
}

describe('checkRegistration', () => {
  it('accepts an agreeing registration and returns it parsed', () => {
    const { runtime, warnings } = checkRegistration(sidecar(), output());
    expect(warnings).toEqual([]);
    expect(runtime).toMatchObject({ slug: '', name: 'Agree Test', version: '1.0.0', permissions: ['chat.send', 'storage.kv'] });
    expect(runtime.subscriptions.notify).toEqual([{ event: 'chat.message.received' }]);
  });

  it('accepts the parsed object and bytes as well as the text', () => {
    expect(() => checkRegistration(sidecar(), JSON.parse(output()))).not.toThrow();
    expect(() => checkRegistration(sidecar(), Buffer.from(output()))).not.toThrow();
  });

  it('refuses output over 256 KiB, measured in bytes', () => {
    const big = output({ description: 'é'.repeat(MAX_REGISTER_OUTPUT_BYTES / 2) });
    const err = mismatch(sidecar(), big);
    expect(err.message).toBe(`manifest/runtime mismatch: register() output too large: ${Buffer.byteLength(big)} bytes (max ${MAX_REGISTER_OUTPUT_BYTES})`);
  });

  it('refuses output that does not parse, or is not an object of the right shape', () => {
    expect(mismatch(sidecar(), '{"name": ').message).toMatch(/^manifest\/runtime mismatch: parse register\(\) output: /);
    expect(mismatch(sidecar(), '').message).toMatch(/^manifest\/runtime mismatch: parse register\(\) output: /);
    expect(mismatch(sidecar(), '[1,2]').message).toBe('manifest/runtime mismatch: parse register() output: expected a JSON object, got an array');
    expect(mismatch(sidecar(), output({ permissions: 'chat.send' })).message).toBe(
      'manifest/runtime mismatch: parse register() output: "permissions" is not an array of strings',
    );
    expect(mismatch(sidecar(), output({ slug: 7 })).message).toContain('"slug" is a number, not a string');
  });

  it('compares slugs: the runtime slug, else the slug of its name', () => {
    expect(mismatch(sidecar(), output({ slug: 'other' })).message).toBe('manifest/runtime mismatch: slug mismatch: manifest="agree-test" register="other"');
    expect(mismatch(sidecar(), output({ name: 'Renamed' })).message).toBe(
      'manifest/runtime mismatch: slug mismatch: manifest="agree-test" register="renamed"',
    );
    expect(mismatch(sidecar(), output({ name: '' })).message).toBe('manifest/runtime mismatch: slug mismatch: manifest="agree-test" register=""');
    // an explicit sidecar slug agrees with a runtime that only echoes it
    expect(() => checkRegistration(sidecar({ slug: 'custom' }), output({ slug: 'custom', name: 'Whatever' }))).not.toThrow();
  });

  it('allows fewer runtime permissions, never more', () => {
    expect(() => checkRegistration(sidecar(), output({ permissions: ['chat.send'] }))).not.toThrow();
    const err = mismatch(sidecar(), output({ permissions: ['chat.send', 'users.moderate'] }));
    expect(err.message).toBe('manifest/runtime mismatch: plugin requested permission "users.moderate" at runtime not declared in manifest');
  });

  it('does not compare versions (production) but warns', () => {
    const { warnings } = checkRegistration(sidecar(), output({ version: '0.9.0' }));
    expect(warnings).toEqual(['agree-test: version differs: manifest="1.0.0" register="0.9.0" (Owncast loads it anyway; rebuild so they agree)']);
  });

  it('needs chat.filter for a chat message filter (production message), and nothing for other filters', () => {
    const filter = (event: string) => output({ subscriptions: { notify: [], filter: [{ event, priority: 100 }] } });
    expect(mismatch(sidecar(), filter('chat.message.received')).message).toBe(
      'manifest/runtime mismatch: plugin subscribes to filterChatMessage but does not declare the "chat.filter" permission. ' +
        "Add \"chat.filter\" to the manifest's permissions so an admin can see at install time that this plugin reads or modifies every chat message",
    );
    expect(() => checkRegistration(sidecar({ permissions: ['chat.send', 'storage.kv', 'chat.filter'] }), filter('chat.message.received'))).not.toThrow();
    expect(() => checkRegistration(sidecar(), filter('stream.started'))).not.toThrow();
  });

  it('needs fediverse.inbound for the built-in fediverse events', () => {
    const notify = (event: string) => output({ subscriptions: { notify: [{ event }], filter: [] } });
    for (const event of ['fediverse.follow', 'fediverse.activity', 'fediverse.reply']) {
      expect(mismatch(sidecar(), notify(event)).message).toBe(
        `manifest/runtime mismatch: plugin subscribes to ${event} but does not declare the "fediverse.inbound" permission`,
      );
    }
    expect(() => checkRegistration(sidecar({ permissions: ['fediverse.inbound'] }), output({ permissions: [], subscriptions: { notify: [{ event: 'fediverse.like' }] } }))).not.toThrow();
    // a custom hook that merely starts with "fediverse." is namespaced under the slug: no permission
    expect(() => checkRegistration(sidecar(), notify('fediverse.custom'))).not.toThrow();
  });

  it('fails a custom hook whose namespaced name is a built-in event', () => {
    const chat = parseManifest(JSON.stringify({ api: '1', name: 'Chat', version: '1' })).manifest!;
    const err = mismatch(chat, JSON.stringify({ name: 'Chat', version: '1', subscriptions: { notify: [{ event: 'message.received' }] } }));
    expect(err.message).toMatch(/^manifest\/runtime mismatch: .*chat\.message\.received/);
  });
});
