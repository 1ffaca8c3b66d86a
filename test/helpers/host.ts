import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildPlugin, type BuildOptions } from '../../src/lib/compiler/index.js';
import { createCaptureStream, createContext } from '../../src/lib/context.js';
import { withChatLog, type ChatSend } from '../../src/lib/demo/pipeline.js';
import { createRecordingEnv, type RecordingEnv } from '../../src/lib/host/env/index.js';
import { PluginHost, type LoadedPlugin, type PluginHostOptions, type PluginSource } from '../../src/lib/host/host.js';

export interface Recorded {
  /** Chat lines plugins sent, in order (kind: chat, action, system or direct). */
  chat: ChatSend[];
  /** Every call into Owncast's services (the recording HostEnv). */
  env: RecordingEnv;
  warnings: string[];
  logs: { slug: string; level: string; message: string }[];
}

/** A host (in-memory storage) whose Owncast services record what plugins do. */
export function recordingHost(options: Partial<PluginHostOptions> = {}): { host: PluginHost; rec: Recorded } {
  const env = createRecordingEnv();
  const rec: Recorded = { chat: [], env, warnings: [], logs: [] };
  const host = new PluginHost({
    env: withChatLog(env, rec.chat),
    log: {
      warn: (m) => void rec.warnings.push(m),
      plugin: (slug, level, message) => void rec.logs.push({ slug, level, message }),
    },
    ...options,
  });
  return { host, rec };
}

const built = new Map<string, Promise<PluginSource>>();

/** Builds a plugin project (once per test file and target) into a temp dir with the real compiler, without type checking. */
export function buildSource(dir: string, target: 'js' | 'wasm', imports: BuildOptions['imports'] = 'all'): Promise<PluginSource> {
  const key = `${dir}|${target}|${imports}`;
  let p = built.get(key);
  if (!p) {
    p = (async () => {
      const out = await mkdtemp(join(tmpdir(), 'ocp-build-'));
      try {
        const ctx = createContext({ stderr: createCaptureStream(), stdout: createCaptureStream(), logLevel: 'silent' });
        // These builds feed runtime tests: their sources are not type-checked here (test/compiler
        // covers type checking, test/compiler/examples-typecheck.test.ts the examples' types).
        await buildPlugin(ctx, { dir, target, imports, outDir: out, typecheck: 'off' });
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
