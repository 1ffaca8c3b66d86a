import path from 'node:path'
import {sdkDeclarationsPath} from '../sdk/paths.js'

/**
 * The globals the plugin engine defines besides `@owncast/plugin-sdk` (console, TextEncoder,
 * TextDecoder: src/lib/sdk/engine-globals.d.ts, shipped beside the SDK's declarations). A project
 * without tsconfig.json is checked with them; one with a tsconfig.json decides for itself (the
 * projects `new` writes include a copy in types/).
 */
export function engineGlobalsPath(): string {
  return path.join(path.dirname(sdkDeclarationsPath()), 'engine-globals.d.ts')
}
