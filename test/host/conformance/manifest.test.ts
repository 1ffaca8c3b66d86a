// Manifest and namespacing rules the existing parser tests leave implicit (plugin-sdk §M
// manifest_test "Network" and styles; production shared_engine_test's `type`;
// custom_event_namespacing_test's built-in collision, through a plugin load).
import { afterEach, describe, expect, it } from 'vitest';

import { AgreementError } from '../../../src/lib/host/manager/index.js';
import type { PluginHost } from '../../../src/lib/host/host.js';
import { parseManifest } from '../../../src/lib/manifest/index.js';
import { recordingHost } from '../../helpers/host.js';
import { load, rejection } from './helpers.js';

const base = { api: '1', name: 'stats', version: '1.0' };
const parse = (doc: object) => parseManifest(JSON.stringify(doc));

describe('manifest rules (manifest_test)', () => {
  it('network: an empty allowedHosts is refused for network.fetch; hosts keep their order; allowedHosts without the permission is fine', () => {
    expect(parse({ ...base, permissions: ['network.fetch'], network: { allowedHosts: [] } }).errors[0]?.message).toMatch(
      /^manifest declares network.fetch but no network.allowedHosts; /,
    );
    const ordered = parse({ ...base, permissions: ['network.fetch'], network: { allowedHosts: ['b.example', 'a.example', '*.c.example'] } });
    expect(ordered.manifest?.network.allowedHosts).toEqual(['b.example', 'a.example', '*.c.example']);
    const unused = parse({ ...base, network: { allowedHosts: ['a.example'] } });
    expect(unused.ok).toBe(true);
    expect(unused.errors).toEqual([]);
  });

  it('styles must end in .css, in any case', () => {
    const styles = (s: string) => parse({ ...base, permissions: ['ui.modify'], styles: [s] });
    expect(styles('theme.CsS').ok).toBe(true);
    expect(styles('theme.scss').errors[0]?.message).toBe('manifest.styles[0]: must end in .css (got "theme.scss")');
  });

  it('"type" is optional and ignored, whatever it says', () => {
    for (const doc of [base, { ...base, type: 'js' }, { ...base, type: 'python' }]) {
      expect(parse(doc).ok).toBe(true);
      expect(parse(doc).errors).toEqual([]);
    }
  });
});

describe('custom hook namespacing at load (custom_event_namespacing_test)', () => {
  let host: PluginHost | undefined;
  afterEach(() => host?.close());

  it('slug "chat" with a hook "message.received" would shadow chat.message.received: the load fails', async () => {
    ({ host } = recordingHost());
    const err = await rejection(load(host, 'probe', { slug: 'chat' }));
    expect(err).toBeInstanceOf(AgreementError);
    expect(err.message).toMatch(/^manifest\/runtime mismatch: .*chat\.message\.received/);
    expect(host.plugins).toEqual([]);
  });
});
