import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildPlugin, type BuildOptions } from '../../src/lib/compiler/index.js';
import { createCaptureStream, createContext } from '../../src/lib/context.js';
import { PluginHost, type HostEnv, type LoadedPlugin, type PluginSource } from '../../src/lib/host/host.js';

export interface Recorded {
  chat: { slug: string; text: string; kind: string }[];
  kv: Map<string, string>;
  warnings: string[];
  logs: { slug: string; level: string; message: string }[];
}

/** A host whose Owncast services record what plugins do. */
export function recordingHost(): { host: PluginHost; rec: Recorded } {
  const rec: Recorded = { chat: [], kv: new Map(), warnings: [], logs: [] };
  const env: HostEnv = {
    chat: {
      send: (slug, text, kind) => rec.chat.push({ slug, text, kind }),
      sendTo: (slug, clientId, text) => rec.chat.push({ slug, text, kind: `to:${clientId}` }),
    },
    kv: {
      get: (slug, key) => rec.kv.get(`${slug}/${key}`) ?? null,
      set: (slug, key, value) => void rec.kv.set(`${slug}/${key}`, value),
    },
    events: { emit: () => undefined },
  };
  const host = new PluginHost({
    env,
    logger: {
      warn: (m) => rec.warnings.push(m),
      plugin: (slug, level, message) => rec.logs.push({ slug, level, message }),
    },
  });
  return { host, rec };
}

const built = new Map<string, Promise<PluginSource>>();

/** Builds a plugin project (once per test file and target) into a temp dir with the real compiler. */
export function buildSource(dir: string, target: 'js' | 'wasm', imports: BuildOptions['imports'] = 'all'): Promise<PluginSource> {
  const key = `${dir}|${target}|${imports}`;
  let p = built.get(key);
  if (!p) {
    p = (async () => {
      const out = await mkdtemp(join(tmpdir(), 'ocp-build-'));
      try {
        const ctx = createContext({ stderr: createCaptureStream(), stdout: createCaptureStream(), logLevel: 'silent' });
        await buildPlugin(ctx, { dir, target, imports, outDir: out });
        const manifestJson = await readFile(join(dir, 'plugin.manifest.json'), 'utf8');
        if (target === 'wasm') {
          return {
            manifestJson,
            wasm: new Uint8Array(await readFile(join(out, 'plugin.wasm'))),
            // the wasm evaluates the same plugin.js, so its stacks map through the same source map
            sourceMap: await readFile(join(out, 'plugin.js.map'), 'utf8'),
            sourceMapFile: join(out, 'plugin.js.map'),
          };
        }
        return {
          manifestJson,
          script: await readFile(join(out, 'plugin.js'), 'utf8'),
          sourceMap: await readFile(join(out, 'plugin.js.map'), 'utf8'),
          sourceMapFile: join(out, 'plugin.js.map'),
        };
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    })();
    built.set(key, p);
  }
  return p;
}

export const chatMessage = (body: string, extra: Record<string, unknown> = {}) => ({
  id: 'm1',
  body,
  user: { id: 'u1', displayName: 'Viewer' },
  timestamp: '2026-11-29T12:00:00Z',
  ...extra,
});

export type { LoadedPlugin };
