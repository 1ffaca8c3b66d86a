// What this toolchain is and what it targets: the CLI version, the engine it runs plugins on
// (QuickJS version + a hash of engine.wasm) and the production contract (plugin API version and
// the host-function set). `--version` prints it; builds stamp it into plugin.js / plugin.wasm so
// `inspect` can say what built a plugin. Only node built-ins here: `--version` must start fast.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { enginePath, packageRoot } from './engine/paths.js';
import { join } from 'node:path';

/** The QuickJS release engine/build.sh compiles (Debian's source archive); a test keeps them equal. */
export const QUICKJS_VERSION = '2025.04.26';
/** The manifest `api` value production accepts. */
export const PLUGIN_API_VERSION = '1';

export interface ToolVersion {
  cli: string;
  node: string;
  platform: string;
  engine: { quickjs: string; sha256: string };
  contract: { pluginApi: string; hostFunctions: number; namespace: string; sha256: string };
}

let cached: ToolVersion | undefined;

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * The contract hash covers what decides whether a module links and behaves: each host function's
 * name, wire types and permission, sorted (not the file's prose), so a reworded note keeps it.
 */
function contractDigest(functions: { name: string; params: { type: string }[]; result: string | null; permission: string }[]): string {
  const lines = functions
    .map((f) => `${f.name}(${f.params.map((p) => p.type).join(',')})->${f.result ?? '()'} ${f.permission}`)
    .sort();
  return sha256(lines.join('\n'));
}

export function toolVersion(): ToolVersion {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  const hostFunctions = JSON.parse(readFileSync(enginePath('host-functions.json'), 'utf8')) as {
    namespace: string;
    functions: { name: string; params: { type: string }[]; result: string | null; permission: string }[];
  };
  cached = {
    cli: pkg.version,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    engine: { quickjs: QUICKJS_VERSION, sha256: sha256(readFileSync(enginePath('engine.wasm'))) },
    contract: {
      pluginApi: PLUGIN_API_VERSION,
      hostFunctions: hostFunctions.functions.length,
      namespace: hostFunctions.namespace,
      sha256: contractDigest(hostFunctions.functions),
    },
  };
  return cached;
}

/** The lines `owncast-plugin --version` prints. */
export function renderToolVersion(v: ToolVersion): string {
  return [
    `owncast-plugin/${v.cli} ${v.platform} node-${v.node}`,
    `engine: QuickJS ${v.engine.quickjs}, engine.wasm sha256:${v.engine.sha256.slice(0, 16)}`,
    `contract: Owncast plugin API "${v.contract.pluginApi}", ${v.contract.hostFunctions} host functions (${v.contract.namespace}) sha256:${v.contract.sha256.slice(0, 16)}`,
    '',
  ].join('\n');
}

/**
 * What a build stamps into its output: enough to tell later which toolchain, engine and contract
 * produced a plugin. Kept short and free of paths and times so builds stay reproducible.
 */
export interface BuildStamp {
  tool: string;
  quickjs: string;
  engine: string;
  pluginApi: string;
  contract: string;
}

export function buildStamp(v: ToolVersion = toolVersion()): BuildStamp {
  return {
    tool: `owncast-plugin@${v.cli}`,
    quickjs: v.engine.quickjs,
    engine: v.engine.sha256.slice(0, 16),
    pluginApi: v.contract.pluginApi,
    contract: v.contract.sha256.slice(0, 16),
  };
}

const STAMP_PREFIX = '/*! owncast-plugin build ';

/** The first line of a built plugin.js. */
export function stampComment(s: BuildStamp = buildStamp()): string {
  return `${STAMP_PREFIX}${JSON.stringify(s)} */`;
}

/** Reads the stamp back from a plugin.js (its first line), or undefined for other scripts. */
export function readScriptStamp(script: string): BuildStamp | undefined {
  if (!script.startsWith(STAMP_PREFIX)) return undefined;
  const end = script.indexOf(' */', STAMP_PREFIX.length);
  if (end < 0) return undefined;
  try {
    const value = JSON.parse(script.slice(STAMP_PREFIX.length, end)) as BuildStamp;
    return typeof value?.tool === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The name of the custom section a built plugin.wasm carries its stamp in (JSON of a BuildStamp). */
export const STAMP_SECTION = 'owncast-plugin.build';

/** Parses a stamp section's payload; undefined when it is not one. */
export function parseStampPayload(payload: Uint8Array): BuildStamp | undefined {
  try {
    const value = JSON.parse(new TextDecoder().decode(payload)) as BuildStamp;
    return typeof value?.tool === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** How a plugin's stamp compares with this tool: the same engine build, the same production contract. */
export function compareStamp(stamp: BuildStamp, current: BuildStamp = buildStamp()): { sameTool: boolean; sameEngine: boolean; sameContract: boolean } {
  return { sameTool: stamp.tool === current.tool, sameEngine: stamp.engine === current.engine, sameContract: stamp.contract === current.contract && stamp.pluginApi === current.pluginApi };
}
