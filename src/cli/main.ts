// The CLI's main module as one bundle (lib/cli/bundle/main.mjs, scripts/bundle-cli.ts): oclif,
// the commands and everything they load in the main thread, so a start reads a few files
// instead of hundreds. oclif's "explicit" strategy would import the commands from disk; the
// bundle hands it the COMMANDS it already holds.
import {Config, Plugin, flush, handle, run} from '@oclif/core'
import {COMMANDS} from '../commands/index.js'
import {packageRoot} from '../lib/engine/paths.js'

type Loader = {isRoot: boolean; commandCache?: unknown; loadCommandsFromTarget(): Promise<unknown>}
const proto = Plugin.prototype as unknown as Loader
const fromDisk = proto.loadCommandsFromTarget
proto.loadCommandsFromTarget = async function (this: Loader) {
  return this.isRoot ? (this.commandCache ??= COMMANDS) : fromDisk.call(this)
}

export async function main(argv: string[]): Promise<void> {
  const config = await Config.load({root: packageRoot()})
  await run(argv, config)
    .then(() => flush())
    .catch((error) => handle(error))
}
