// The Extism JS PDK globals, built on the glue's primitives (globalThis.__ocHost).
// Plugin code written for extism-js uses these directly; the SDK runtime uses
// __ocHost's faster call/callBytes instead. Evaluated once, at Wizer time.
(function () {
  'use strict';
  const ext = globalThis.__ocHost;

  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(input) { return ext.utf8Encode(input === undefined ? '' : String(input)); }
  }
  class TextDecoder {
    constructor(label) {
      const l = (label === undefined ? 'utf-8' : String(label)).toLowerCase();
      if (l !== 'utf-8' && l !== 'utf8') throw new RangeError(`TextDecoder: unsupported encoding ${label}`);
    }
    get encoding() { return 'utf-8'; }
    decode(input) { return ext.utf8Decode(input); }
  }

  class MemoryHandle {
    constructor(offset, len) { this.offset = offset; this.len = len; }
    readString() { return ext.memString(this.offset); }
    readBytes() { return ext.memBytes(this.offset); }
    readJsonObject() { return JSON.parse(this.readString()); }
    readUInt32() { return new DataView(this.readBytes()).getUint32(0, true); }
    readUInt64() { return new DataView(this.readBytes()).getBigUint64(0, true); }
    readFloat32() { return new DataView(this.readBytes()).getFloat32(0, true); }
    readFloat64() { return new DataView(this.readBytes()).getFloat64(0, true); }
    free() { ext.memFree(this.offset); }
  }
  const fromBytes = (bytes) => {
    const offset = ext.memStore(bytes);
    return new MemoryHandle(offset, ext.memLength(offset));
  };
  const Memory = {
    fromString: (s) => fromBytes(String(s)),
    fromBuffer: (buf) => fromBytes(buf),
    fromJsonObject: (o) => fromBytes(JSON.stringify(o)),
    find: (offset) => new MemoryHandle(offset, ext.memLength(offset)),
    allocUInt32: (n) => { const b = new ArrayBuffer(4); new DataView(b).setUint32(0, n, true); return fromBytes(b); },
    allocUInt64: (n) => { const b = new ArrayBuffer(8); new DataView(b).setBigUint64(0, BigInt(n), true); return fromBytes(b); },
    allocFloat32: (n) => { const b = new ArrayBuffer(4); new DataView(b).setFloat32(0, n, true); return fromBytes(b); },
    allocFloat64: (n) => { const b = new ArrayBuffer(8); new DataView(b).setFloat64(0, n, true); return fromBytes(b); },
  };

  let rawFunctions;
  const Host = {
    inputString: () => ext.inputString(),
    inputBytes: () => ext.inputBytes(),
    outputString: (s) => ext.setOutput(String(s)),
    outputBytes: (b) => ext.setOutput(b),
    getFunctions() {
      if (!rawFunctions) {
        rawFunctions = {};
        ext.hostFunctionNames.forEach((name, i) => {
          rawFunctions[name] = (...args) => ext.hostRaw(i, ...args);
        });
      }
      return rawFunctions;
    },
  };

  const Config = { get: (key) => ext.config(String(key)) };

  const Var = {
    set: (name, value) => ext.varSet(String(name), value),
    getString: (name) => ext.varGet(String(name)),
    getBytes: (name) => ext.varGetBytes(String(name)),
  };

  const decoder = new TextDecoder();
  const Http = {
    request(req, body) {
      if (!req || typeof req.url !== 'string') throw new TypeError('Http.request needs {url}');
      const json = JSON.stringify({ url: req.url, method: req.method || 'GET', headers: req.headers || {} });
      const [status, bytes] = ext.httpRequest(json, body === undefined || body === null ? undefined : body);
      // status 0: the request was refused or failed, and the body (if any) says why; Extism's
      // kernel raises an error there on other hosts, and the JS PDK throws it
      if (status === 0) throw new Error(bytes && bytes.length ? decoder.decode(bytes) : `HTTP request to '${req.url}' failed`);
      return { status, body: bytes ? decoder.decode(bytes) : '', headers: {} };
    },
  };

  const show = (v) => {
    if (typeof v === 'string') return v;
    if (v instanceof Error) return v.stack ? `${v}\n${v.stack}` : String(v);
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') return String(v);
    try { return JSON.stringify(v) ?? String(v); } catch { return String(v); }
  };
  const logAt = (level) => (...args) => ext.log(level, args.map(show).join(' '));
  const console = {
    debug: logAt(0), log: logAt(1), info: logAt(1), warn: logAt(2), error: logAt(3),
    trace: logAt(0),
  };

  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  define('TextEncoder', TextEncoder);
  define('TextDecoder', TextDecoder);
  define('Memory', Memory);
  define('Host', Host);
  define('Config', Config);
  define('Var', Var);
  define('Http', Http);
  define('console', console);
})();
