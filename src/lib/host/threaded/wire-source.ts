// PluginSource across the thread boundary. Its FileSources are objects with methods (a
// directory, entries of an open .ocpkg), which structured clone cannot carry, so the assets
// are copied into plain bytes once, on load; the main thread keeps that copy to load the
// plugin again into a restarted worker. public/ is not sent: the HTTP server on the main
// thread serves it, and no host function reads it.

import type { PluginSource } from '../host.js';
import type { FileSource } from '../types.js';
import type { WireFiles, WireSource } from './protocol.js';

export function toWireSource(source: PluginSource): WireSource {
  return {
    manifestJson: source.manifestJson,
    script: source.script,
    wasm: source.wasm && own(source.wasm),
    sourceMap: source.sourceMap,
    sourceMapFile: source.sourceMapFile,
    assets: source.assets ? copyFiles(source.assets) : null,
    configOverrides: source.configOverrides,
  };
}

export function fromWireSource(wire: WireSource): PluginSource {
  return { ...wire, assets: wire.assets ? filesSource(wire.assets) : null };
}

// Structured clone copies a view's whole ArrayBuffer: a file read out of a package (or a
// Buffer from Node's pool) would drag everything around it along.
function own(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

function copyFiles(files: FileSource): WireFiles {
  const out: WireFiles = {};
  for (const path of files.list()) {
    const bytes = files.read(path);
    if (bytes) out[path] = own(bytes);
  }
  return out;
}

function filesSource(files: WireFiles): FileSource {
  return {
    read: (path) => (Object.hasOwn(files, path) ? files[path] : null),
    list: () => Object.keys(files).sort(),
  };
}
