import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";

import { packageRoot } from "../engine/paths.js";

export interface BuildSdkRuntimeOptions {
  /** Minify the script (identifiers, whitespace, syntax). Default false. */
  minify?: boolean;
}

/**
 * The runtime's entry file: the TypeScript source when this module runs from src/, else tsc's
 * compiled form under lib/lib/ (also when this runs from the CLI bundle, which has no runtime/).
 */
export function sdkRuntimeEntry(): string {
  const fromSource = fileURLToPath(import.meta.url).endsWith(".ts");
  const file = fromSource
    ? join(packageRoot(), "src", "lib", "sdk", "runtime", "index.ts")
    : join(packageRoot(), "lib", "lib", "sdk", "runtime", "index.js");
  if (!existsSync(file)) throw new Error(`SDK runtime sources not found: ${file}`);
  return file;
}

/**
 * Bundles the SDK runtime (src/lib/sdk/runtime) into one classic script. Evaluating it in
 * a global scope defines `globalThis.__ocpEntry` (docs/engine-contract.md).
 */
export async function buildSdkRuntime(options: BuildSdkRuntimeOptions = {}): Promise<string> {
  const entry = sdkRuntimeEntry();
  const result = await build({
    entryPoints: [entry],
    // Paths in the (unminified) output are relative to runtime/, whatever the process's cwd.
    absWorkingDir: dirname(entry),
    bundle: true,
    write: false,
    format: "iife",
    platform: "neutral",
    target: "es2020",
    minify: options.minify === true,
    legalComments: "none",
    charset: "utf8",
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}
