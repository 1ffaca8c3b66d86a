#!/usr/bin/env node
import {statSync} from 'node:fs'

const args = process.argv.slice(2)
const isVersion = (a) => a === '--version' || a === '-v'

// `--version` answers without loading oclif: it is what scripts and bug reports call most, and
// it prints more than oclif's one line (engine and contract, src/lib/version.ts).
if (args.length === 1 && isVersion(args[0])) {
  const {toolVersion, renderToolVersion} = await import('../lib/lib/version.js')
  process.stdout.write(renderToolVersion(toolVersion()))
} else if (args.length === 2 && args.includes('--json') && args.some(isVersion)) {
  const {toolVersion} = await import('../lib/lib/version.js')
  process.stdout.write(`${JSON.stringify(toolVersion(), null, 2)}\n`)
} else if (bundleIsCurrent()) {
  // The bundle (scripts/bundle-cli.mjs) starts ~80 ms faster than the same code as loose modules.
  const {main} = await import('../lib/cli/bundle/main.mjs')
  await main(args)
} else {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}

/** The bundle exists and is not older than tsc's output (a `tsc` without a re-bundle must not run old code). */
function bundleIsCurrent() {
  if (process.env.OWNCAST_PLUGIN_NO_BUNDLE) return false
  try {
    const bundle = statSync(new URL('../lib/cli/bundle/main.mjs', import.meta.url)).mtimeMs
    return bundle >= statSync(new URL('../lib/commands/index.js', import.meta.url)).mtimeMs
  } catch {
    return false
  }
}
