import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the engine's Wizer initializer reads from /ocp (see engine/src/glue.c). */
export interface WizenInput {
  sdkRuntime: string;
  /** The plugin script, for a self-contained plugin.wasm. */
  pluginScript?: string;
  /** Embedded as config "manifest". */
  manifestJson?: string;
  /** Embed the script and evaluate it on the first call instead of now. */
  defer?: boolean;
}

export type WizenOutcome =
  | { ok: true; wasm: Uint8Array }
  | { ok: false; kind: 'hostcall' | 'timeout' | 'error'; message: string };

async function wizerBinary(): Promise<string> {
  // @ts-expect-error: the package ships no types; its default export is the binary's path
  const mod = (await import('@bytecodealliance/wizer')) as { default: string };
  return mod.default;
}

/**
 * Pre-initialises core.wasm with Wizer: the SDK runtime (and optionally a plugin) is
 * evaluated once and its heap snapshotted into the module.
 */
export async function wizen(core: Uint8Array, input: WizenInput): Promise<WizenOutcome> {
  const dir = await mkdtemp(join(tmpdir(), 'ocp-wizer-'));
  try {
    const files = join(dir, 'ocp');
    await import('node:fs/promises').then((fs) => fs.mkdir(files));
    await writeFile(join(dir, 'core.wasm'), core);
    await writeFile(join(files, 'sdk-runtime.js'), input.sdkRuntime);
    if (input.pluginScript !== undefined) await writeFile(join(files, 'plugin.js'), input.pluginScript);
    if (input.manifestJson !== undefined) await writeFile(join(files, 'manifest.json'), input.manifestJson);
    if (input.defer) await writeFile(join(files, 'defer'), '');
    const out = join(dir, 'out.wasm');
    const bin = await wizerBinary();
    const stderr = await new Promise<string | null>((resolve) => {
      execFile(
        bin,
        ['--allow-wasi', '--wasm-bulk-memory', 'true', '--mapdir', `/ocp::${files}`, '-o', out, join(dir, 'core.wasm')],
        { maxBuffer: 16 * 1024 * 1024 },
        (err, _stdout, stderrText) => resolve(err ? String(stderrText || err.message) : null),
      );
    });
    if (stderr === null) return { ok: true, wasm: new Uint8Array(await readFile(out)) };
    const marker = /OCP_INIT_(HOSTCALL|TIMEOUT|ERROR): ([\s\S]*?)(?:\nError:|\n\s*\n|$)/.exec(stderr);
    if (!marker) return { ok: false, kind: 'error', message: stderr.trim() };
    const kind = marker[1] === 'HOSTCALL' ? 'hostcall' : marker[1] === 'TIMEOUT' ? 'timeout' : 'error';
    return { ok: false, kind, message: marker[2].trim() };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
