#!/usr/bin/env node
// `--version` answers without loading oclif: it is what scripts and bug reports call most, and
// it prints more than oclif's one line (engine and contract, src/lib/version.ts).
const args = process.argv.slice(2)
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  const {toolVersion, renderToolVersion} = await import('../lib/lib/version.js')
  process.stdout.write(renderToolVersion(toolVersion()))
} else if (args.length === 2 && args.includes('--json') && (args.includes('--version') || args.includes('-v'))) {
  const {toolVersion} = await import('../lib/lib/version.js')
  process.stdout.write(`${JSON.stringify(toolVersion(), null, 2)}\n`)
} else {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}
