// A real plugin HTTP server on loopback: plugins written inline in TypeScript, built by our
// compiler and run by our engine in a PluginHost, whose Owncast services are the recording
// env (its sse.send also feeding the server's hub), behind createPluginHttpHandler on a
// node:http server at 127.0.0.1:0. Requests go out through node:http with the path exactly
// as written, so `..`, `%2e%2e` and backslashes reach the server as a client sent them.

import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { withChatLog, type ChatSend } from '../../../src/lib/demo/pipeline.js';
import { createRecordingEnv, type RecordingEnv } from '../../../src/lib/host/env/index.js';
import { PluginHost, type PluginSource } from '../../../src/lib/host/host.js';
import { directoryFileSource } from '../../../src/lib/host/manager/index.js';
import {
  SseHub,
  createPluginHttpHandler,
  hostHttpBackend,
  sseService,
  type AuthResolver,
  type PluginAdminBackend,
  type PluginHttpHandler,
  type SseHubOptions,
} from '../../../src/lib/devserver/http/index.js';
import { buildSource } from '../../helpers/host.js';

const temps: string[] = [];

export async function tempDir(prefix = 'ocp-http-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export async function removeTemps(): Promise<void> {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export type Files = Record<string, string | Uint8Array | { symlinkTo: string }>;

async function writeFiles(root: string, files: Files): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    if (typeof content === 'object' && 'symlinkTo' in content) await symlink(content.symlinkTo, file);
    else await writeFile(file, content);
  }
}

export interface PluginSpec {
  /** TypeScript for src/plugin.ts. */
  source: string;
  manifest: { name: string; slug?: string; permissions?: string[] } & Record<string, unknown>;
  /** public/ (served) and assets/ (internal), written to disk and read through the real FileSource. */
  public?: Files;
  assets?: Files;
  /** Files beside public/ and assets/ in the project (what a traversal would be after). */
  project?: Files;
  icon?: Uint8Array;
  instructions?: string;
}

/** A built plugin, ready to load (and to load again after a disable). */
export interface BuiltPlugin {
  slug: string;
  source: PluginSource;
  icon?: Uint8Array;
  instructions?: string;
}

const manifestText = (m: PluginSpec['manifest']) => JSON.stringify({ api: '1', version: '1.0.0', permissions: [], ...m }, null, 2);

/** Builds a plugin project in a temp dir with the real compiler. */
export async function buildPlugin(spec: PluginSpec): Promise<BuiltPlugin> {
  const dir = await tempDir('ocp-http-src-');
  await writeFiles(dir, { 'src/plugin.ts': spec.source, 'plugin.manifest.json': manifestText(spec.manifest), ...spec.project });
  if (spec.public) await writeFiles(join(dir, 'public'), spec.public);
  if (spec.assets) await writeFiles(join(dir, 'assets'), spec.assets);
  const built = await buildSource(dir, 'js');
  return {
    slug: spec.manifest.slug ?? spec.manifest.name,
    source: {
      ...built,
      publicFiles: spec.public ? directoryFileSource(join(dir, 'public')) : null,
      assets: spec.assets ? directoryFileSource(join(dir, 'assets')) : null,
    },
    ...(spec.icon ? { icon: spec.icon } : {}),
    ...(spec.instructions !== undefined ? { instructions: spec.instructions } : {}),
  };
}

/** A self-contained wasm plugin (raw-wasm.ts) with its manifest. */
export function wasmPlugin(slug: string, permissions: string[], wasm: Uint8Array): BuiltPlugin {
  return { slug, source: { manifestJson: manifestText({ name: slug, slug, permissions }), wasm } };
}

export interface ServeOptions {
  auth?: AuthResolver;
  sse?: SseHubOptions;
  handlerTimeoutMs?: number;
  /** Build the admin backend over the host and the built plugins (tests wire it like the dev server would). */
  admin?: (host: PluginHost, built: Map<string, BuiltPlugin>) => PluginAdminBackend;
  /** Owncast's auth service (the recording env's by default). */
  authService?: RecordingEnv['auth'];
}

export interface Served {
  host: PluginHost;
  env: RecordingEnv;
  /** Chat lines plugins sent (the recording env's log). */
  chat: ChatSend[];
  handler: PluginHttpHandler;
  hub: SseHub;
  port: number;
  /** Server warnings (timeouts, failures) and host warnings. */
  warnings: string[];
  request(path: string, opts?: RequestOptions): Promise<Reply>;
  close(): Promise<void>;
}

/** Loads the plugins into a fresh host and serves them on 127.0.0.1. Close it. */
export async function serve(plugins: BuiltPlugin[], opts: ServeOptions = {}): Promise<Served> {
  const hub = new SseHub(opts.sse);
  const env = createRecordingEnv();
  const recordedSse = env.sse!;
  env.sse = {
    send: (slug, channel, event, data) => {
      recordedSse.send(slug, channel, event, data);
      sseService(hub).send(slug, channel, event, data);
    },
  };
  if (opts.authService) env.auth = opts.authService;
  const chat: ChatSend[] = [];
  const warnings: string[] = [];
  const host = new PluginHost({
    env: withChatLog(env, chat),
    log: { warn: (m) => void warnings.push(m), plugin: () => undefined },
  });
  const built = new Map(plugins.map((p) => [p.slug, p]));
  try {
    for (const p of plugins) await host.load(p.source);
  } catch (err) {
    await host.close();
    throw err;
  }
  const backend = hostHttpBackend(host, {
    extras: (slug) => {
      const b = built.get(slug);
      return b ? { ...(b.icon ? { icon: b.icon } : {}), ...(b.instructions !== undefined ? { instructions: b.instructions } : {}) } : undefined;
    },
    ...(opts.admin ? { admin: opts.admin(host, built) } : {}),
  });
  const handler = createPluginHttpHandler({
    backend,
    sse: hub,
    ...(opts.auth ? { auth: opts.auth } : {}),
    ...(opts.handlerTimeoutMs ? { handlerTimeoutMs: opts.handlerTimeoutMs } : {}),
    log: { warn: (m) => void warnings.push(m) },
  });
  const server = createServer((req, res) => handler(req, res));
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  return {
    host,
    env,
    chat,
    handler,
    hub,
    port,
    warnings,
    request: (path, o) => send(port, path, o),
    async close() {
      handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await host.close();
    },
  };
}

export interface RequestOptions {
  method?: string;
  /** Header name → value, or several values (sent as separate lines). */
  headers?: Record<string, string | string[]>;
  body?: string | Uint8Array;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** The body as JSON. */
  json<T = unknown>(): T;
}

/** One request with the path exactly as given. */
export function send(port: number, path: string, opts: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers, body, text, json: <T>() => JSON.parse(text) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** An open SSE stream read as it arrives. */
export interface Stream {
  status: number;
  headers: IncomingHttpHeaders;
  /** Everything received so far. */
  readonly received: string;
  /** Resolves once the received text satisfies `test` (or rejects after `ms`). */
  until(test: (text: string) => boolean, ms?: number): Promise<string>;
  /** The `data` of every frame so far, with its event name. */
  frames(): { event: string; data: string }[];
  /** Stop reading from the socket (a slow client); resume() reads again. */
  pause(): void;
  resume(): void;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
  res: IncomingMessage;
}

/** Opens a stream; resolves once the response head has arrived (whatever its status). */
export function openStream(port: number, path: string, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let received = '';
      const waiters = new Set<() => void>();
      let endedResolve: () => void = () => undefined;
      const ended = new Promise<void>((r) => (endedResolve = r));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        received += chunk;
        for (const w of [...waiters]) w();
      });
      res.on('end', () => endedResolve());
      res.on('close', () => endedResolve());
      res.on('error', () => endedResolve());
      const stream: Stream = {
        status: res.statusCode!,
        headers: res.headers,
        get received() {
          return received;
        },
        until(test, ms = 10_000) {
          return new Promise((ok, fail) => {
            const check = () => {
              if (!test(received)) return;
              waiters.delete(check);
              clearTimeout(timer);
              ok(received);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`stream ${path}: condition not met within ${ms} ms; received ${JSON.stringify(received.slice(-300))}`));
            }, ms);
            waiters.add(check);
            check();
          });
        },
        frames: () => parseFrames(received),
        pause: () => res.socket.pause(),
        resume: () => res.socket.resume(),
        ended,
        close: () => req.destroy(),
        res,
      };
      resolve(stream);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Frames (not comments) of an event stream. */
export function parseFrames(text: string): { event: string; data: string }[] {
  const frames: { event: string; data: string }[] = [];
  for (const block of text.split('\n\n')) {
    if (block === '' || block.startsWith(':')) continue;
    let event = '';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice('event: '.length);
      else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
    }
    if (data.length > 0) frames.push({ event, data: data.join('\n') });
  }
  return frames;
}

/** Polls `read` until it returns something truthy (generous ceiling; no tight timing). */
export async function eventually<T>(read: () => T | undefined | null | false, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
