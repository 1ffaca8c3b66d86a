// `given` storage for one plugin, applied after it loaded (the reference seeds KV then, so a
// default the plugin writes while loading is overridden, not the other way round).

import type { FileContent, PluginGiven } from '../scenario.js';

/** What seeding needs of the harness. */
interface Storage {
  host: {
    kv: { set(slug: string, key: string, value: string): void };
    fs: { sandbox(slug: string): { write(path: string, data: Uint8Array): { ok: boolean; error?: string } } };
  };
  exec(sql: string, params: unknown[], slug: string): { error?: string };
}

export function fileBytes(content: FileContent): Uint8Array {
  return typeof content === 'string' ? new TextEncoder().encode(content) : new Uint8Array(Buffer.from(content.base64, 'base64'));
}

/** Seeds kv, fs and sql; throws (failing the scenario) when a file or statement is refused. */
export function seedPluginStorage(storage: Storage, slug: string, seed: PluginGiven): void {
  for (const [key, value] of Object.entries(seed.kv ?? {})) storage.host.kv.set(slug, key, value);
  for (const [path, content] of Object.entries(seed.fs ?? {})) {
    const result = storage.host.fs.sandbox(slug).write(path, fileBytes(content));
    if (!result.ok) throw new Error(`given.fs "${path}" (${slug}): ${result.error ?? 'write failed'}`);
  }
  for (const [i, statement] of (seed.sql ?? []).entries()) {
    const result = storage.exec(statement.sql, statement.params, slug);
    if (result.error !== undefined) throw new Error(`given.sql[${i}] (${slug}): ${result.error}`);
  }
}
