// The manager's persisted state: production .enabled.json content in SQLite.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { StateStore } from '../../../src/lib/host/manager/index.js';
import { removeTemps, tempDir } from './helpers.js';

afterAll(removeTemps);

describe('StateStore', () => {
  it('round-trips the enabled set and approvals, sorted, across reopening', async () => {
    const dir = await tempDir();
    const a = StateStore.open(dir);
    expect(a.file).toBe(join(dir, 'state.db'));
    expect(a.load()).toEqual({ enabled: [], approvedPermissions: {} });
    a.save({ enabled: ['zeta', 'alpha'], approvedPermissions: { alpha: ['storage.kv', 'chat.send'], zeta: [], gone: ['chat.send'] } });
    a.close();
    const b = StateStore.open(dir);
    // an empty approval is a baseline (nothing approved), not a missing one
    expect(b.load()).toEqual({ enabled: ['alpha', 'zeta'], approvedPermissions: { alpha: ['chat.send', 'storage.kv'], gone: ['chat.send'], zeta: [] } });
    b.save({ enabled: [], approvedPermissions: {} });
    expect(b.load()).toEqual({ enabled: [], approvedPermissions: {} });
    b.close();
    b.close();
  });

  it('imports a legacy .enabled.json only into a fresh database', async () => {
    const dir = await tempDir();
    const legacy = join(await tempDir(), '.enabled.json');
    await writeFile(legacy, JSON.stringify({ enabled: ['b', 'a'], approvedPermissions: { a: ['chat.send'] } }));
    const s = StateStore.open(dir, { legacyJson: legacy });
    expect(s.load()).toEqual({ enabled: ['a', 'b'], approvedPermissions: { a: ['chat.send'] } });
    s.save({ enabled: [], approvedPermissions: {} });
    s.close();
    const again = StateStore.open(dir, { legacyJson: legacy });
    expect(again.load()).toEqual({ enabled: [], approvedPermissions: {} });
    again.close();
  });
});
