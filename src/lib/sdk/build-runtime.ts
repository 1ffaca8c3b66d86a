import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";

export interface BuildSdkRuntimeOptions {
  /** Minify the script (identifiers, whitespace, syntax). Default false. */
  minify?: boolean;
}

/** The runtime's entry file: the TypeScript source, or its compiled form next to this module. */
export function sdkRuntimeEntry(): string {
  for (const name of ["index.ts", "index.js"]) {
    const file = fileURLToPath(new URL(`./runtime/${name}`, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new Error("SDK runtime sources not found next to build-runtime");
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
