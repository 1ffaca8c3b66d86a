// `serve` end to end: a real dev server (ThreadedHost worker, real HTTP on loopback) running
// the example plugins, driven through the reference-compatible dev API.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createContext } from '../../src/lib/context.js';
import { startDevServer, type DevServer } from '../../src/lib/devserver/server.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
let cwd: string;
let server: DevServer;
const stderr: string[] = [];

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'ocp-serve-'));
  // copies, so the builds serve triggers write into the temp dir
  for (const name of ['echo-bot', 'profanity-filter']) {
    await cp(join(EXAMPLES, name), join(cwd, name), { recursive: true, filter: (src) => !/[/\\](dist|node_modules|\.owncast-dev)$/.test(src) });
  }
  const sink = { write: (s: string) => void stderr.push(s), isTTY: false };
  const ctx = createContext({ cwd, stdout: sink, stderr: sink, color: false, logLevel: 'warn' });
  server = await startDevServer(ctx, { paths: ['echo-bot', 'profanity-filter'], port: 0 });
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });

/** Reads /_dev/stream until `until` matches an activity event (or the ceiling passes). */
async function activity(until: (e: Record<string, unknown>) => boolean, trigger: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const ctrl = new AbortController();
  const res = await fetch(`${server.url}/_dev/stream?since=${Number.MAX_SAFE_INTEGER}`, { signal: ctrl.signal });
  const reader = res.body!.getReader();
  const seen: Record<string, unknown>[] = [];
  let buf = '';
  const ceiling = setTimeout(() => ctrl.abort(), 10_000);
  try {
    await trigger();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += new TextDecoder().decode(value);
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = frame.split('\n').find((l) => l.startsWith('data: '));
        if (!data || !frame.includes('event: activity')) continue;
        const event = JSON.parse(data.slice(6)) as Record<string, unknown>;
        seen.push(event);
        if (until(event)) return seen;
      }
    }
  } catch (err) {
    if (!ctrl.signal.aborted) throw err;
  } finally {
    clearTimeout(ceiling);
    ctrl.abort();
  }
  return seen;
}

describe('owncast-plugin serve', () => {
  it('built both projects and lists them running', async () => {
    const state = (await (await fetch(`${server.url}/_dev/state`)).json()) as { plugins: { slug: string; status: string }[] };
    expect(state.plugins.map((p) => [p.slug, p.status])).toEqual([
      ['echo-bot', 'running'],
      ['profanity-filter', 'running'],
    ]);
    expect(server.plan.stateDir).toBe(join(cwd, '.owncast-dev'));
  });

  it('POST /_dev/chat runs the filter once, then the bot, and both land in the chat log in order', async () => {
    const res = await post('/_dev/chat', { user: 'ada', body: '!echo this darn thing' });
    const answer = (await res.json()) as { allowed: boolean; message: { body: string; user: { displayName: string } }; trace: { filters: { slug: string; action: string }[]; notified: { slug: string; ok: boolean }[] } };
    expect(answer.allowed).toBe(true);
    expect(answer.message.body).toBe('!echo this **** thing');
    expect(answer.trace.filters).toEqual([expect.objectContaining({ slug: 'profanity-filter', action: 'modify' })]);
    expect(answer.trace.notified).toEqual([expect.objectContaining({ slug: 'echo-bot', ok: true })]);
    const log = (await (await fetch(`${server.url}/_dev/chat`)).json()) as { messages: { body: string }[] };
    const bodies = log.messages.map((m) => m.body);
    // the message is in the log before the bot's answer to it, as in Owncast
    expect(bodies.slice(-2)).toEqual(['!echo this **** thing', 'ada said: this **** thing']);
  });

  it('answers like the reference dev server on bad input', async () => {
    expect((await post('/_dev/chat', '{nope')).status).toBe(400);
    expect(await (await post('/_dev/chat', '{nope')).text()).toBe('invalid JSON body\n');
    const noType = await post('/_dev/event', { type: ' ' });
    expect(noType.status).toBe(400);
    expect(await noType.text()).toBe('event type is required\n');
    expect((await fetch(`${server.url}/_dev/event`)).status).toBe(405);
    const ok = (await (await post('/_dev/event', { type: 'stream.started', payload: {} })).json()) as { dispatched: string };
    expect(ok.dispatched).toBe('stream.started');
  });

  it('streams what plugins do to the console feed', async () => {
    const events = await activity(
      (e) => e.type === 'chat' && String(e.text).includes('grace said: hi'),
      () => post('/_dev/chat', { user: 'grace', body: '!echo hi' }),
    );
    const types = events.map((e) => e.type);
    expect(types).toContain('chat');
    const chat = events.find((e) => e.type === 'chat')!;
    expect(chat).toMatchObject({ slug: 'echo-bot', text: 'grace said: hi' });
  });

  it('disables and enables a plugin: a disabled bot does not answer, and its routes are 404', async () => {
    await post('/_dev/plugins/echo-bot/disable', {});
    const quiet = (await (await post('/_dev/chat', { user: 'ada', body: '!echo anyone?' })).json()) as { trace: { notified: unknown[] } };
    expect(quiet.trace.notified).toEqual([]);
    expect((await fetch(`${server.url}/plugins/echo-bot/`)).status).toBe(404);
    await post('/_dev/plugins/echo-bot/enable', {});
    const back = (await (await post('/_dev/chat', { user: 'ada', body: '!echo back' })).json()) as { trace: { notified: { slug: string }[] } };
    expect(back.trace.notified.map((n) => n.slug)).toEqual(['echo-bot']);
  });

  it('refuses unknown plugins and operations with clear errors', async () => {
    const res = await post('/_dev/plugins/nope/reload', {});
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('no plugin "nope"');
    expect((await fetch(`${server.url}/_dev/nothing-here`)).status).toBe(404);
    const cfg = await post('/_dev/plugins/echo-bot/config', { colour: 'red' });
    expect(cfg.status).toBe(400);
  });

  it('answers a payload nested too deep to reach the plugins’ thread with a 400 that says so, and goes on', async () => {
    // 9 000 levels: JSON allows 10 000, copying it to the worker thread (structured clone) does not
    const deep = `${'['.repeat(9000)}"x"${']'.repeat(9000)}`;
    for (const [path, body] of [
      ['/_dev/event', `{"type":"deep.event","payload":${deep}}`],
      ['/_dev/chat', `{"user":{"id":"u-ada","displayName":"ada","deep":${deep}},"body":"!echo deep"}`],
    ] as const) {
      const res = await post(path, body);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: { kind: string; code: string } }).error).toMatchObject({ kind: 'user', code: 'PAYLOAD_TOO_DEEP' });
    }
    const after = (await (await post('/_dev/chat', { user: 'ada', body: '!echo still here' })).json()) as { allowed: boolean };
    expect(after.allowed).toBe(true);
  });
});
