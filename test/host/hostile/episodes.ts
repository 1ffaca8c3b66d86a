// One hostile episode per fixture: drive the hostile plugin through the host the way Owncast
// would (chat messages, custom hooks, HTTP handler calls, timers), and record what each attempt
// cost and how it ended. The tests assert on these records; bench/hostile.bench.ts prints them.
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ChatDispatchReport, DispatchReport } from '../../../src/lib/host/dispatch/index.js';
import type { Servers } from '../offthread/http-servers.js';
import { chatMessage, httpRequest, timed, waitFor, type Arena } from './harness.js';

/** One hostile call: how long until it failed or was refused, and how it ended. */
export interface Attempt {
  label: string;
  ms: number;
  /** Whether the call itself succeeded (a refused fetch or fs path is a successful call). */
  ok: boolean;
  error?: unknown;
}

export interface Episode {
  slug: string;
  attempts: Attempt[];
  /** From the episode's start until strikes disabled the plugin; null while it is enabled. */
  disabledAfterMs: number | null;
}

const step = (slug: string, report: DispatchReport | ChatDispatchReport) => ({
  filter: report.filters.find((f) => f.slug === slug),
  notified: report.notified.find((n) => n.slug === slug),
});

function filterAttempt(slug: string, label: string, report: DispatchReport): Attempt {
  const f = step(slug, report).filter;
  if (!f) throw new Error(`${slug}'s filter did not run for ${label}`);
  return f.action === 'error' ? { label, ms: f.durationMs, ok: false, error: f.error } : { label, ms: f.durationMs, ok: true };
}

function notifyAttempt(slug: string, label: string, report: DispatchReport): Attempt {
  const n = step(slug, report).notified;
  if (!n) throw new Error(`${slug} was not notified for ${label}`);
  return { label, ms: n.durationMs, ok: n.ok, ...(n.ok ? {} : { error: n.error }) };
}

function since(a: Arena, slug: string, t0: number): number | null {
  return a.host.dispatcher.isDisabled(slug) ? performance.now() - t0 : null;
}

/** spinner: five chat messages, each meeting a filter that never returns. */
export async function spinnerEpisode(a: Arena): Promise<Episode & { reports: ChatDispatchReport[] }> {
  const t0 = performance.now();
  const reports: ChatDispatchReport[] = [];
  const attempts: Attempt[] = [];
  for (let i = 0; i < 5; i++) {
    const report = await a.host.dispatchChatMessage(chatMessage(`darn spin ${i}`));
    reports.push(report);
    attempts.push(filterAttempt('spinner', `filter ${i}`, report));
  }
  return { slug: 'spinner', attempts, disabledAfterMs: since(a, 'spinner', t0), reports };
}

/**
 * flooder: its flood hook once, then five chat messages its filter answers with > 1 MiB
 * (strikes count per path: the five filter failures are what disable it).
 */
export async function flooderEpisode(
  a: Arena,
): Promise<Episode & { floodLines: { chat: number; logs: number }; linesAfterCall: { chat: number; logs: number }; reports: ChatDispatchReport[] }> {
  const t0 = performance.now();
  const count = () => ({
    chat: a.rec.chat.filter((c) => c.slug === 'flooder').length,
    logs: a.rec.logs.filter((l) => l.slug === 'flooder').length,
  });
  const attempts = [notifyAttempt('flooder', 'flood hook', await a.host.dispatch('flooder.flood', {}))];
  const floodLines = count();
  // nothing of the flood may still be running once its call has failed
  await a.host.dispatcher.idle();
  await new Promise((r) => setTimeout(r, 200));
  const linesAfterCall = count();
  const reports: ChatDispatchReport[] = [];
  for (let i = 0; i < 5; i++) {
    const report = await a.host.dispatchChatMessage(chatMessage(`darn flood ${i}`));
    reports.push(report);
    attempts.push(filterAttempt('flooder', `filter ${i}`, report));
  }
  return { slug: 'flooder', attempts, disabledAfterMs: since(a, 'flooder', t0), floodLines, linesAfterCall, reports };
}

/**
 * hog: 80 MiB in its hook twice, then in its HTTP handler five times (strikes count per path:
 * the five HTTP failures are what disable it).
 */
export async function hogEpisode(a: Arena): Promise<Episode & { recreations: number; memoryBytes: number }> {
  const t0 = performance.now();
  const hog = a.hostile.hog!;
  const attempts: Attempt[] = [];
  for (let i = 0; i < 2; i++) attempts.push(notifyAttempt('hog', `hook ${i}`, await a.host.dispatch('hog.hog', {})));
  for (let i = 0; i < 5; i++) {
    const r = await timed(() => a.host.dispatcher.invoke(hog, 'on_http_request', httpRequest('/hoard'), { path: 'http' }));
    attempts.push({ label: `http ${i}`, ms: r.ms, ok: r.ok, ...(r.ok ? {} : { error: r.error }) });
  }
  return {
    slug: 'hog',
    attempts,
    disabledAfterMs: since(a, 'hog', t0),
    recreations: hog.instance.recreations,
    memoryBytes: hog.instance.memoryBytes,
  };
}

/** recurser: endless recursion, JSON.parse of 1e6 nested arrays, JSON.stringify of 1e5 nested objects. */
export async function recurserEpisode(a: Arena): Promise<Episode> {
  const t0 = performance.now();
  const attempts: Attempt[] = [];
  for (const hook of ['recurse', 'parse', 'stringify', 'recurse', 'parse']) {
    attempts.push(notifyAttempt('recurser', hook, await a.host.dispatch(`recurser.${hook}`, {})));
  }
  return { slug: 'recurser', attempts, disabledAfterMs: since(a, 'recurser', t0) };
}

/** ping and pong: five times, a hit to ping that the two bounce between them forever. */
export async function pingPongEpisode(a: Arena): Promise<Episode & { hitsPerRound: number[]; depthWarnings: number }> {
  const t0 = performance.now();
  const warnedBefore = a.rec.warnings.length;
  const attempts: Attempt[] = [];
  const hitsPerRound: number[] = [];
  const hits = () => a.rec.logs.filter((l) => l.slug === 'ping' || l.slug === 'pong').length;
  for (let i = 0; i < 5; i++) {
    const before = hits();
    const r = await timed(async () => {
      const report = await a.host.dispatch('ping.hit', { n: 0 });
      await a.host.dispatcher.idle();
      return report;
    });
    if (!r.ok) throw r.error;
    const failed = r.value.notified.find((n) => !n.ok);
    attempts.push({ label: `round ${i}`, ms: r.ms, ok: !failed, ...(failed ? { error: failed.error } : {}) });
    hitsPerRound.push(hits() - before);
  }
  const depthWarnings = a.warningsSince(warnedBefore).filter((w) => w.includes('max emit depth')).length;
  return { slug: 'ping', attempts, disabledAfterMs: since(a, 'ping', t0) ?? since(a, 'pong', t0), hitsPerRound, depthWarnings };
}

/** timer-bomb, first half: asks for 1 000 intervals at 0 ms (clamped to 100 ms). */
export async function timerBombArm(a: Arena): Promise<Episode & { armed: string; pending: number; warnings: string[] }> {
  const warnedBefore = a.rec.warnings.length;
  const attempts = [notifyAttempt('timer-bomb', 'arm', await a.host.dispatch('timer-bomb.arm', {}))];
  const armed = a.rec.logs.find((l) => l.slug === 'timer-bomb' && l.message.startsWith('armed'))?.message ?? '';
  return {
    slug: 'timer-bomb',
    attempts,
    disabledAfterMs: null,
    armed,
    pending: a.host.dispatcher.timers.pending('timer-bomb'),
    warnings: a.warningsSince(warnedBefore),
  };
}

/** timer-bomb, second half: every callback of its 64 intervals now throws. */
export async function timerBombExplode(
  a: Arena,
): Promise<Episode & { pendingAfter: number; firedAtDisable: number; firedLater: number; warnings: string[] }> {
  const bomb = a.hostile['timer-bomb']!;
  const warnedBefore = a.rec.warnings.length;
  const fired = async () => {
    // straight to the plugin, past the dispatcher: a probe, not an event
    await bomb.notify('report', {});
    const line = a.rec.logs.filter((l) => l.slug === 'timer-bomb' && l.message.startsWith('fired')).at(-1)!;
    return Number(line.message.split(' ')[1]);
  };
  const t0 = performance.now();
  await a.host.dispatch('timer-bomb.explode', {});
  const disabledAfterMs = (await waitFor(() => a.host.dispatcher.isDisabled('timer-bomb'), 20_000)) === null ? null : performance.now() - t0;
  await a.host.dispatcher.idle();
  const firedAtDisable = await fired();
  // five more intervals' worth of time: nothing may fire any more
  await new Promise((r) => setTimeout(r, 500));
  await a.host.dispatcher.idle();
  return {
    slug: 'timer-bomb',
    // its hostile calls here are the timer callbacks, which the dispatcher runs and strikes
    attempts: [],
    disabledAfterMs,
    pendingAfter: a.host.dispatcher.timers.pending('timer-bomb'),
    firedAtDisable,
    firedLater: (await fired()) - firedAtDisable,
    warnings: a.warningsSince(warnedBefore),
  };
}

/** The URLs fetcher is handed: a disallowed host directly (twice), and through a redirect. */
export function fetcherTargets(servers: Servers) {
  const disallowed = `http://localhost:${servers.portB}/hello`;
  return {
    direct: disallowed,
    invalid: 'http://localhost.example.invalid/',
    redirect: `${servers.a}/redirect/302?to=${encodeURIComponent(disallowed)}`,
    allowed: `${servers.a}/hello`,
  };
}

/** fetcher: three rounds of the three disallowed requests, then one it may make, from its HTTP handler. */
export async function fetcherEpisode(a: Arena, servers: Servers): Promise<Episode & { results: string[] }> {
  const t0 = performance.now();
  const fetcher = a.hostile.fetcher!;
  const targets = fetcherTargets(servers);
  const get = (url: string) =>
    timed(() => a.host.dispatcher.invoke(fetcher, 'on_http_request', httpRequest('/get', JSON.stringify({ url })), { path: 'http' }));
  const attempts: Attempt[] = [];
  for (let i = 0; i < 3; i++) {
    for (const key of ['direct', 'invalid', 'redirect'] as const) {
      const r = await get(targets[key]);
      attempts.push({ label: `${key} ${i}`, ms: r.ms, ok: r.ok, ...(r.ok ? {} : { error: r.error }) });
    }
  }
  await get(targets.allowed);
  const results = a.rec.logs.filter((l) => l.slug === 'fetcher').map((l) => l.message);
  return { slug: 'fetcher', attempts, disabledAfterMs: since(a, 'fetcher', t0), results };
}

/** A directory outside every sandbox with a secret in it, and a symlink to it planted in escaper's. */
export async function plantEscapeHatch(dataDir: string): Promise<string> {
  const outside = await mkdtemp(join(tmpdir(), 'ocp-outside-'));
  await writeFile(join(outside, 'secret.txt'), 'the secret');
  const files = join(dataDir, 'escaper', 'files');
  await mkdir(files, { recursive: true });
  await symlink(outside, join(files, 'link'));
  return outside;
}

/** escaper: five HTTP calls, each trying every way out of its directory. */
export async function escaperEpisode(a: Arena, outside: string): Promise<Episode & { answers: Record<string, unknown>[] }> {
  const t0 = performance.now();
  const escaper = a.hostile.escaper!;
  const attempts: Attempt[] = [];
  const answers: Record<string, unknown>[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await timed(() =>
      a.host.dispatcher.invoke(escaper, 'on_http_request', httpRequest('/', JSON.stringify({ outside })), { path: 'http' }),
    );
    attempts.push({ label: `escape ${i}`, ms: r.ms, ok: r.ok, ...(r.ok ? {} : { error: r.error }) });
    if (r.ok) answers.push(JSON.parse((JSON.parse(r.value) as { body: string }).body) as Record<string, unknown>);
  }
  return { slug: 'escaper', attempts, disabledAfterMs: since(a, 'escaper', t0), answers };
}
