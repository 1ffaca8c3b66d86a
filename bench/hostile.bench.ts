// npx tsx bench/hostile.bench.ts [--quick] — hostile plugins beside three well-behaved ones
// (a filter masking a word, a KV counter, a !ping command), all built by our compiler and run
// in the real engine on the main thread. For each hostile fixture of test/host/hostile: how
// long each hostile call took until it was stopped or refused, how long until strikes disabled
// it, and the chat throughput of the three through dispatchChatMessage beside it afterwards,
// against the three alone (measured alternately, best of several rounds). Prints markdown.
import { cpus, loadavg } from 'node:os';
import { rm } from 'node:fs/promises';

import { isPluginError } from '../src/lib/errors.js';
import { loadEngineModule } from '../src/lib/host/engine-module.js';
import { startServers, type Servers } from '../test/host/offthread/http-servers.js';
import * as episodes from '../test/host/hostile/episodes.js';
import { arena, chatRate, compareRates, type Arena } from '../test/host/hostile/harness.js';

const quick = process.argv.includes('--quick');
const MESSAGES = quick ? 300 : 1000;
const ROUNDS = quick ? 2 : 5;
// The host's own JS needs a few thousand messages before V8 has optimized it.
const WARMUP = quick ? 1000 : 4000;

interface Case {
  name: string;
  hostile: string[];
  what: string;
  containedBy: string;
  /** The hostile episode(s) before the throughput measurement. */
  before(a: Arena, ctx: Ctx): Promise<episodes.Episode[]>;
  /** Episodes after it (the timer bomb is measured armed, then made to fail). */
  after?(a: Arena, ctx: Ctx): Promise<episodes.Episode[]>;
  beforeLoad?(dataDir: string, ctx: Ctx): Promise<void>;
  /** How its attempts ended, when a count of failure kinds would not say it. */
  outcomes?: string;
}

interface Ctx {
  servers: Servers;
  outside: string;
}

const CASES: Case[] = [
  {
    name: 'spinner',
    hostile: ['spinner'],
    what: 'chat filter `for(;;){}`',
    containedBy: '50 ms filter budget (fail-open), strikes',
    before: async (a) => [await episodes.spinnerEpisode(a)],
  },
  {
    name: 'flooder',
    hostile: ['flooder'],
    what: 'hook floods console, log and chat; filter answers 1.2 MB',
    containedBy: '500 ms budget; 1 MiB filter output cap (fail-open); strikes',
    before: async (a) => [await episodes.flooderEpisode(a)],
  },
  {
    name: 'hog',
    hostile: ['hog'],
    what: '80 MiB in its HTTP handler and a hook',
    containedBy: '48 MiB heap limit, instance recreated; strikes',
    before: async (a) => [await episodes.hogEpisode(a)],
  },
  {
    name: 'recurser',
    hostile: ['recurser'],
    what: 'unbounded recursion; 1e6-deep JSON.parse, 1e5-deep JSON.stringify',
    containedBy: 'engine stack checks; strikes',
    before: async (a) => [await episodes.recurserEpisode(a)],
  },
  {
    name: 'ping + pong',
    hostile: ['ping', 'pong'],
    what: 'emit to each other forever (5 rounds)',
    containedBy: 'emit depth 8 (no strikes, by design)',
    before: async (a) => [await episodes.pingPongEpisode(a)],
  },
  {
    name: 'timer-bomb',
    hostile: ['timer-bomb'],
    what: '1 000 intervals at 0 ms; then every callback throws',
    containedBy: '64 timers per plugin, 100 ms floor; strikes cancel its timers',
    outcomes: '64 armed, 936 refused; then its callbacks failed until disabled',
    before: async (a) => [await episodes.timerBombArm(a)],
    after: async (a) => [await episodes.timerBombExplode(a)],
  },
  {
    name: 'fetcher',
    hostile: ['fetcher'],
    what: 'fetch a host outside allowedHosts, directly and via a 302',
    containedBy: 'allowedHosts on every hop (status 0, no strike)',
    before: async (a, ctx) => {
      await ctx.servers.reset();
      const episode = await episodes.fetcherEpisode(a, ctx.servers);
      const seen = await ctx.servers.seen();
      if (seen.b.length > 0) throw new Error(`fetcher reached a disallowed server: ${seen.b.join(', ')}`);
      return [episode];
    },
  },
  {
    name: 'escaper',
    hostile: ['escaper'],
    what: 'storage.fs `..`, absolute paths, a planted symlink out',
    containedBy: 'fs sandbox (null / {ok:false}, no strike)',
    beforeLoad: async (dataDir, ctx) => {
      ctx.outside = await episodes.plantEscapeHatch(dataDir);
    },
    before: async (a, ctx) => [await episodes.escaperEpisode(a, ctx.outside)],
  },
];

/** How an attempt ended, in a word or two. */
function outcome(caseName: string, attempt: episodes.Attempt): string {
  if (attempt.ok) return caseName.startsWith('ping') ? 'cut at depth 8' : 'refused';
  if (isPluginError(attempt.error)) return attempt.error.failure ?? 'error';
  const message = attempt.error instanceof Error ? attempt.error.message : String(attempt.error ?? '');
  return /output too large/.test(message) ? 'output cap' : 'error';
}

const fmtMs = (ms: number) => (ms < 10 ? ms.toFixed(1) : Math.round(ms).toString());

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Row {
  name: string;
  what: string;
  containedBy: string;
  outcomes: string;
  attemptMs: string;
  disabled: string;
  clean: number;
  beside: number;
}

async function runCase(c: Case, clean: Arena, ctx: Ctx): Promise<Row> {
  const a = await arena(c.hostile, { beforeLoad: c.beforeLoad && ((dir) => c.beforeLoad!(dir, ctx)) });
  try {
    const before = await c.before(a, ctx);
    const rates = await compareRates(clean.host, a.host, { messages: MESSAGES, rounds: ROUNDS });
    const after = c.after ? await c.after(a, ctx) : [];
    const all = [...before, ...after];
    const attempts = all.flatMap((e) => e.attempts);
    const counts = new Map<string, number>();
    for (const at of attempts) counts.set(outcome(c.name, at), (counts.get(outcome(c.name, at)) ?? 0) + 1);
    const outcomes = c.outcomes ?? [...counts].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).join(', ');
    const disabled = all.map((e) => e.disabledAfterMs).find((ms) => ms !== null);
    const times = attempts.map((at) => at.ms);
    return {
      name: c.name,
      what: c.what,
      containedBy: c.containedBy,
      outcomes,
      attemptMs: `${fmtMs(median(times))} / ${fmtMs(Math.max(...times))}`,
      disabled: disabled === undefined || disabled === null ? 'never' : `${fmtMs(disabled)} ms`,
      clean: rates.clean,
      beside: rates.beside,
    };
  } finally {
    await a.close();
  }
}

async function main() {
  await loadEngineModule();
  const ctx: Ctx = { servers: await startServers(), outside: '' };
  const clean = await arena([]);
  try {
    await chatRate(clean.host, WARMUP);
    let alone = 0;
    for (let i = 0; i < ROUNDS; i++) alone = Math.max(alone, await chatRate(clean.host, MESSAGES));
    const rows: Row[] = [];
    for (const c of CASES) {
      process.stderr.write(`${c.name}…\n`);
      rows.push(await runCase(c, clean, ctx));
    }

    const out: string[] = [];
    out.push('## Hostile plugins beside well-behaved ones (`npx tsx bench/hostile.bench.ts`)');
    out.push('');
    out.push(
      `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}. ` +
        'Three well-behaved plugins (a filter masking a word, a KV counter, a `!ping` command) run chat messages ' +
        'through `dispatchChatMessage`, one after another, alone and beside each hostile fixture of `test/host/hostile/` ' +
        'after its episode (the hostile plugin disabled, or contained and still loaded). Rates are the best of ' +
        `${ROUNDS} rounds of ${MESSAGES} messages, alone and beside measured alternately (and in alternating order), after ${WARMUP} messages of warm-up. ` +
        `The three alone, before any hostile plugin was loaded: ${Math.round(alone)} msgs/s.`,
    );
    out.push('');
    out.push('| Hostile plugin | What it does | Contained by | How each attempt ended | Per attempt, median / max (ms) | Disabled after | Clean msgs/s | Beside msgs/s | Beside / clean |');
    out.push('|---|---|---|---|---|---|---:|---:|---:|');
    for (const r of rows) {
      out.push(
        `| ${r.name} | ${r.what} | ${r.containedBy} | ${r.outcomes} | ${r.attemptMs} | ${r.disabled} | ` +
          `${Math.round(r.clean)} | ${Math.round(r.beside)} | ${Math.round((r.beside / r.clean) * 100)}% |`,
      );
    }
    out.push('');
    out.push(
      '"Per attempt" is the hostile call itself (the filter or hook step as the dispatcher timed it, or the HTTP ' +
        'handler call), from its start until it failed or returned refused; for ping + pong, a whole round until the ' +
        'dispatcher is idle; for the timer bomb, arming. "Disabled after" runs from the first attempt (for the timer ' +
        'bomb, from "explode") until strikes disabled the plugin. The timer bomb is measured armed: its 64 intervals ' +
        'fire every 100 ms during the throughput rounds.',
    );
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await clean.close();
    await ctx.servers.stop();
    if (ctx.outside) await rm(ctx.outside, { recursive: true, force: true });
  }
}

await main();
