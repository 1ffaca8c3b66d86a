// Globals the Owncast plugin engine defines besides @owncast/plugin-sdk (engine/src/prelude.js):
// a plugin can log with console and encode text without DOM or Node types. `build` checks a
// project without tsconfig.json against this file; `new` copies it into types/. A project that
// adds lib "DOM" or Node's types already has these and can delete its copy.
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
