#!/usr/bin/env node
// Runs the CLI straight from src/, without a build: tsx compiles the TypeScript on the fly, the
// commands come from src/commands/index.ts, and oclif.manifest.json is ignored (it may be stale).
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {register} from 'tsx/esm/api'

register()
const {Config, Plugin, flush, handle, run} = await import('@oclif/core')

const root = fileURLToPath(new URL('..', import.meta.url))
const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
pjson.oclif = {...pjson.oclif, commands: {...pjson.oclif.commands, target: './src/commands/index.ts'}}

const plugin = new Plugin({root, pjson, isRoot: true, ignoreManifest: true})
await plugin.load()
const config = await Config.load({root, pjson, plugins: new Map([[plugin.name, plugin]])})
await run(process.argv.slice(2), config)
  .then(() => flush())
  .catch((error) => handle(error))
