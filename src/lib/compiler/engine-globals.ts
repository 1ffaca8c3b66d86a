import path from 'node:path'
import {sdkDeclarationsPath} from '../sdk/paths.js'

/**
 * Where the checker pretends {@link ENGINE_GLOBALS} lives (it is not on disk): beside the SDK's
 * declarations, outside every project.
 */
export function engineGlobalsPath(): string {
  return path.join(path.dirname(sdkDeclarationsPath()), '__engine-globals.d.ts')
}

/**
 * The globals the plugin engine defines besides `@owncast/plugin-sdk` that plugins use
 * (engine/src/prelude.js: Extism's JS PDK), for projects type-checked without a tsconfig.json:
 * without DOM or Node types, `console` would be unknown although it works. A project's own
 * tsconfig.json decides for itself.
 */
export const ENGINE_GLOBALS = `// Globals of the Owncast plugin engine (besides @owncast/plugin-sdk).
interface Console {
  debug(...data: any[]): void
  log(...data: any[]): void
  info(...data: any[]): void
  warn(...data: any[]): void
  error(...data: any[]): void
  trace(...data: any[]): void
}
declare var console: Console
interface TextEncoder {
  readonly encoding: string
  encode(input?: string): Uint8Array
}
declare var TextEncoder: {prototype: TextEncoder; new (): TextEncoder}
interface TextDecoder {
  readonly encoding: string
  decode(input?: ArrayBuffer | ArrayBufferView): string
}
declare var TextDecoder: {prototype: TextDecoder; new (label?: string): TextDecoder}
`
