// The CLI's main module as one bundle (lib/cli/bundle/main.mjs, scripts/bundle-cli.mjs): oclif
// and, in lazily loaded chunks, the commands and everything they load in the main thread, so a
// start reads a few files instead of hundreds. oclif's "explicit" strategy would import
// src/commands/index.ts from disk, and with it every command; the bundle loads only the
// command being run (command-loaders.ts).
import {Config, Plugin, flush, handle, run} from '@oclif/core'
import {packageRoot} from '../lib/engine/paths.js'
import {COMMAND_LOADERS} from './command-loaders.js'

type Loader = {
  isRoot: boolean
  commandCache?: Record<string, unknown>
  loadCommandsFromTarget(): Promise<unknown>
  findCommand(id: string, opts?: {must?: boolean}): Promise<unknown>
}
const proto = Plugin.prototype as unknown as Loader
const fromDisk = proto.loadCommandsFromTarget
const findCommand = proto.findCommand
proto.loadCommandsFromTarget = async function (this: Loader) {
  return this.isRoot ? (this.commandCache ??= {}) : fromDisk.call(this)
}
proto.findCommand = async function (this: Loader, id, opts) {
  const load = this.isRoot && Object.hasOwn(COMMAND_LOADERS, id) ? COMMAND_LOADERS[id] : undefined
  if (load) {
    const cache = (this.commandCache ??= {})
    cache[id] ??= await load()
  }
  return findCommand.call(this, id, opts)
}

export async function main(argv: string[]): Promise<void> {
  // No oclif plugins here (user-installed, dev or just-in-time): skip looking for them
  const config = await Config.load({root: packageRoot(), userPlugins: false, devPlugins: false, jitPlugins: false})
  await run(argv, config)
    .then(() => flush())
    .catch((error) => handle(error))
}
