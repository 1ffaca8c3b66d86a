// Plugin projects for the scenario runner's tests, written to temp dirs from inline
// TypeScript and built by the real compiler on the first run (the runner builds stale
// projects itself). The "kitchen" plugin can be made to do any recorded effect on demand
// through its custom hook `do`, so each expect key can be exercised with one event step.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { createCaptureStream, createContext, type Context } from '../../src/lib/context.js';
import { runTests, sharedScenarioSql, type ScenarioSql, type TestRunOptions, type TestRunResult } from '../../src/lib/testing/index.js';

const temps: string[] = [];
// one SQL helper process per test file, as one `owncast-plugin test` run has
let sql: ScenarioSql | null = null;

export async function tempDir(prefix = 'ocp-scenarios-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export async function removeTemps(): Promise<void> {
  sql?.close();
  sql = null;
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export interface ProjectSpec {
  manifest: Record<string, unknown>;
  /** TypeScript for src/plugin.ts. */
  source: string;
  /** Other files of the project (public/index.html, __tests__/x.test.json...). */
  files?: Record<string, string>;
}

export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

/** Writes a project into `dir` (made when missing). */
export async function writeProject(dir: string, spec: ProjectSpec): Promise<string> {
  await writeFiles(dir, {
    'plugin.manifest.json': JSON.stringify({ api: '1', version: '1.0.0', permissions: [], ...spec.manifest }, null, 2),
    'src/plugin.ts': spec.source,
    ...spec.files,
  });
  return dir;
}

/** A context whose output is captured (logs at warn: builds stay quiet). */
export function quietContext(cwd: string): Context & { out(): string; err(): string } {
  const stdout = createCaptureStream();
  const stderr = createCaptureStream();
  const ctx = createContext({ cwd, stdout, stderr, color: false, logLevel: 'warn', env: {} });
  return Object.assign(ctx, { out: () => stdout.text(), err: () => stderr.text() });
}

let fileCounter = 0;

/** Writes `scenarios` as a new scenario file of the project and runs just that file. */
export async function runScenarios(projectDir: string, scenarios: unknown, opts: Omit<TestRunOptions, 'paths'> = {}): Promise<TestRunResult> {
  const file = join(projectDir, '__tests__', `case-${++fileCounter}.test.json`);
  await writeFiles(projectDir, { [`__tests__/case-${fileCounter}.test.json`]: JSON.stringify(scenarios, null, 2) });
  sql ??= sharedScenarioSql(await tempDir('ocp-scenario-sql-'));
  return runTests(quietContext(projectDir), { sql, ...opts, paths: [file] });
}

/** One scenario's failures as "key: message" lines (empty when it passed). */
export function failureLines(run: TestRunResult, index = 0): string[] {
  return (run.scenarios[index]?.failures ?? []).map((f) => `${f.key}: ${f.message}`);
}

export const chat = (body: string, user = 'alice', extra: Record<string, unknown> = {}) => ({
  id: 'm1',
  body,
  user: { id: `u-${user}`, displayName: user },
  timestamp: '2026-01-01T00:00:00Z',
  ...extra,
});

/** A step that makes the kitchen plugin do one thing (its `do` hook). */
export const doStep = (what: string, args: Record<string, unknown> = {}) => ({ event: 'do', payload: { what, ...args } });

export const KITCHEN_MANIFEST = {
  name: 'Kitchen Sink',
  slug: 'kitchen',
  permissions: [
    'chat.send',
    'chat.filter',
    'chat.history',
    'chat.moderate',
    'storage.kv',
    'storage.fs',
    'storage.sql',
    'storage.upload',
    'events.emit',
    'network.fetch',
    'http.serve',
    'http.sse',
    'server.read',
    'notifications.send',
    'users.read',
    'users.moderate',
    'fediverse.post',
    'videoconfig.read',
    'videoconfig.write',
  ],
  network: { allowedHosts: ['api.example.com'] },
  config: { greeting: { type: 'string', default: 'Hello' } },
  admin: { pages: [{ title: 'Admin', path: '/admin/*' }] },
};

export const KITCHEN_SOURCE = `
import {definePlugin, owncast, filter} from '@owncast/plugin-sdk'

type Args = Record<string, any>
const actions: Record<string, (p: Args) => void> = {
  send: (p) => owncast.chat.send(p.text),
  action: (p) => owncast.chat.sendAction(p.text),
  system: (p) => owncast.chat.system(p.text),
  sendTo: (p) => owncast.chat.sendTo(p.clientId, p.text),
  delete: (p) => owncast.chat.deleteMessage(p.id),
  kick: (p) => owncast.chat.kick(p.clientId),
  discord: (p) => owncast.notifications.discord(p.text),
  push: (p) => owncast.notifications.browserPush(p.payload),
  notifyFediverse: (p) => owncast.notifications.fediverse(p.payload),
  post: (p) => { owncast.fediverse.post(p.text) },
  ban: (p) => owncast.users.banIP(p.ip),
  setEnabled: (p) => owncast.users.setEnabled(p.userId, p.enabled, p.reason),
  upload: (p) => { owncast.storage.upload(p.name, p.body) },
  videoWrite: (p) => owncast.videoConfig.write(p.update),
  sse: (p) => owncast.sse.send(p.channel, p.event, p.data),
  emit: (p) => owncast.events.emit(p.type, p.payload),
  log: (p) => (p.level === 'error' ? owncast.log.error(p.text) : p.level === 'warn' ? owncast.log.warn(p.text) : console.log(p.text)),
  write: (p) => { owncast.fs.write(p.path, p.text) },
  remove: (p) => { owncast.fs.delete(p.path) },
  readFile: (p) => owncast.chat.send('file: ' + owncast.fs.readText(p.path)),
  sql: (p) => { owncast.sql.exec(p.sql, p.params ?? []) },
  count: () => owncast.chat.send('rows: ' + JSON.stringify(owncast.sql.query('SELECT name FROM scores ORDER BY name'))),
  kv: (p) => owncast.kv.set(p.key, p.value),
  fetch: (p) => {
    try {
      const r = owncast.http.fetch(p.url, {method: p.method ?? 'GET', body: p.body})
      owncast.chat.send('fetched ' + r.status + ' ' + r.body)
    } catch (e) {
      owncast.chat.send('fetch failed')
    }
  },
  timer: (p) => { owncast.timer.setTimeout(() => owncast.chat.send('timer fired'), p.ms) },
  interval: (p) => { owncast.timer.setInterval(() => owncast.chat.send('interval'), p.ms) },
  config: () => owncast.chat.send('greeting: ' + owncast.config.get('greeting')),
  world: () => owncast.chat.send(JSON.stringify({
    title: owncast.stream.current().title,
    server: owncast.server.info().name,
    tags: owncast.server.tags(),
    emotes: owncast.server.emotes().map((e) => e.name),
    users: owncast.users.list().map((u) => u.id),
    history: owncast.chat.history(10).map((m) => m.body),
    clients: owncast.chat.clients().length,
    latency: owncast.videoConfig.read().latencyLevel,
    federation: owncast.server.federation().enabled,
  })),
  throw: () => { throw new Error('asked to fail') },
}

definePlugin({
  filterChatMessage(msg) {
    if (msg.body.includes('spam')) return filter.drop('spam is not welcome here')
    if (msg.body.includes('darn')) return filter.modify({...msg, body: msg.body.replace(/darn/g, '****')})
    if (msg.body.includes('boom')) throw new Error('filter exploded')
    return filter.pass()
  },
  onChatMessage(msg) {
    if (msg.body.startsWith('hi')) owncast.chat.send('hello, ' + msg.user?.displayName + '!')
  },
  onSseConnect(e) {
    owncast.sse.send(e.channel, 'hello', 'welcome')
  },
  onSseDisconnect(e) {
    console.log('disconnected ' + e.channel)
  },
  onTick() {
    owncast.kv.set('ticks', String(Number(owncast.kv.get('ticks') ?? '0') + 1))
  },
  on: {
    do(p: Args) { actions[p.what]!(p) },
    ping(p: unknown) { owncast.chat.send('pong ' + JSON.stringify(p)) },
  },
  commands: {
    roll: {description: 'Roll dice', cooldownMs: 5000, run(ctx) { ctx.reply(ctx.user?.displayName + ' rolled ' + ctx.args.join(' ')) }},
  },
  onHttpRequest(req) {
    if (req.path === '/api/echo') {
      return {status: 200, headers: {'Content-Type': 'application/json', 'Cache-Control': 'no-store'},
        body: JSON.stringify({method: req.method, body: req.body, authenticated: req.authenticated, user: req.user ?? null, query: req.query})}
    }
    if (req.path === '/admin/secret') return {status: 200, body: 'secret'}
    return {status: 404, body: 'not found'}
  },
})
`;

/** The kitchen plugin in a fresh temp project (built by the first run). */
export async function kitchenProject(extraFiles: Record<string, string> = {}): Promise<string> {
  return writeProject(await tempDir('ocp-kitchen-'), {
    manifest: KITCHEN_MANIFEST,
    source: KITCHEN_SOURCE,
    files: { 'public/index.html': '<h1>kitchen</h1>', ...extraFiles },
  });
}
