// npx tsx bench/simulate.bench.ts — the simulator's throughput: scripted chat messages per second
// it sustains through 7 plugins (3 filters, 4 notifiers: bench/chat-pipeline.ts) and through 20
// (the same kinds, copied), printed as plain text (simulate --plain, to a discarding sink) and
// drawn by the Ink TUI (rendering to a fake 120×40 terminal, throttled as on a real one). The
// clock is the simulator's, so the stream runs as fast as the plugins and the output allow.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { createCaptureStream, createContext } from '../src/lib/context.js';
import type { SimEvent } from '../src/lib/simulate/events.js';
import { createPlainRenderer } from '../src/lib/simulate/plain.js';
import { Player } from '../src/lib/simulate/player.js';
import { Simulation } from '../src/lib/simulate/simulation.js';
import { parseScript } from '../src/lib/simulate/validate.js';
import { BODIES, FILTERS, NOTIFIERS } from './chat-pipeline.js';

// as `simulate` does before it loads React for the TUI (tui/run.ts): its production build
process.env.NODE_ENV ??= 'production';
const { createTuiSession } = await import('../src/lib/tui/session.js');

const quick = process.argv.includes('--quick');
const MESSAGES = quick ? 1000 : 5000;
const WARMUP = quick ? 200 : 500;
const USERS = 50;

/** The 7 pipeline plugins, or `count` of them (copies get their own slugs), as loose .js files. */
async function pluginsDir(count: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `ocp-simbench-${count}-`));
  const all = [...FILTERS, ...NOTIFIERS];
  for (let i = 0; i < count; i++) {
    const source = all[i % all.length]!;
    const manifest = JSON.parse(source.manifestJson) as { slug: string; name: string };
    const slug = i < all.length ? manifest.slug : `${manifest.slug}-${Math.floor(i / all.length) + 1}`;
    await writeFile(join(dir, `${slug}.js`), source.script!);
    await writeFile(join(dir, `${slug}.manifest.json`), JSON.stringify({ ...manifest, slug, name: slug }));
  }
  return dir;
}

function script(dir: string) {
  const users = Array.from({ length: USERS }, (_, i) => `viewer${i}`);
  const events = Array.from({ length: WARMUP + MESSAGES }, (_, i) => ({ after: '100ms', type: 'chat', user: users[i % USERS], body: BODIES[i % BODIES.length] }));
  return parseScript(JSON.stringify({ name: 'bench', users, events }), join(dir, 'bench.json'));
}

/** A terminal that is not there: Ink renders into it as into a 120×40 TTY, and the bytes are counted. */
function fakeTerminal() {
  let bytes = 0;
  const stdout = Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        cb();
      },
    }),
    { columns: 120, rows: 40, isTTY: true },
  );
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    setRawMode: () => stdin,
    setEncoding: () => undefined,
    resume: () => stdin,
    pause: () => stdin,
    ref: () => stdin,
    unref: () => stdin,
    read: () => null,
  });
  return { stdout, stdin, bytes: () => bytes };
}

interface Result {
  plugins: number;
  view: 'plain' | 'tui';
  messagesPerSec: number;
  eventsPerSec: number;
  outputKb: number;
}

async function measure(dir: string, plugins: number, view: 'plain' | 'tui'): Promise<Result> {
  const ctx = createContext({ stdout: createCaptureStream(), stderr: createCaptureStream(), logLevel: 'silent' });
  let events = 0;
  let bytes = 0;
  const render = createPlainRenderer();
  const sim = await Simulation.create(ctx, {
    script: script(dir),
    paths: [dir],
    startMs: Date.parse('2026-11-29T20:00:00Z'),
    onEvent: (e: SimEvent) => {
      events++;
      if (view === 'plain') for (const line of render(e)) bytes += line.length + 1;
    },
  });
  let unmount = async () => undefined as unknown;
  let terminalBytes = () => 0;
  if (view === 'tui') {
    const { render: inkRender } = await import('ink');
    const term = fakeTerminal();
    const session = createTuiSession(sim, new Player(sim, { paused: true }));
    const app = inkRender(session.element(), { stdout: term.stdout as never, stdin: term.stdin as never, exitOnCtrlC: false, patchConsole: false });
    terminalBytes = term.bytes;
    unmount = async () => {
      session.dispose();
      app.unmount();
      await app.waitUntilExit().catch(() => undefined);
    };
  }
  try {
    await sim.advanceTo(sim.script.events[WARMUP - 1]!.at);
    const before = events;
    const bytesBefore = bytes + terminalBytes();
    const t0 = performance.now();
    await sim.runToEnd();
    // the screen has caught up once the store's change is drawn (Ink draws at most 30 times a second)
    if (view === 'tui') await new Promise((r) => setTimeout(r, 40));
    const s = (performance.now() - t0) / 1000;
    return {
      plugins,
      view,
      messagesPerSec: MESSAGES / s,
      eventsPerSec: (events - before) / s,
      outputKb: (bytes + terminalBytes() - bytesBefore) / 1024,
    };
  } finally {
    await unmount();
    await sim.close();
  }
}

const results: Result[] = [];
for (const plugins of [7, 20]) {
  const dir = await pluginsDir(plugins);
  try {
    // plain and TUI alternate in two rounds: the shared machine drifts over a run
    const rounds: Result[][] = [];
    for (let round = 0; round < 2; round++) {
      const order: ('plain' | 'tui')[] = round === 0 ? ['plain', 'tui'] : ['tui', 'plain'];
      for (const view of order) rounds.push([await measure(dir, plugins, view)]);
    }
    for (const view of ['plain', 'tui'] as const) {
      const mine = rounds.flat().filter((r) => r.view === view);
      results.push({
        plugins,
        view,
        messagesPerSec: mine.reduce((a, r) => a + r.messagesPerSec, 0) / mine.length,
        eventsPerSec: mine.reduce((a, r) => a + r.eventsPerSec, 0) / mine.length,
        outputKb: mine.reduce((a, r) => a + r.outputKb, 0) / mine.length,
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const lines = [
  '## `simulate`: throughput',
  '',
  `${MESSAGES} scripted chat messages (after ${WARMUP} to warm up) from ${USERS} viewers, through 3 filters and 4 notifiers (7 plugins) or 20 plugins of the same kinds, on the simulator's clock (as fast as it goes), in one process with the plugins on the main thread. "plain" renders each event as \`simulate --plain\` does, to a sink; "tui" draws the Ink UI into a fake 120×40 terminal (throttled to 30 frames a second, as on a real one). Events are the simulator's output events (a message, the chat posts it caused, emits...). Mean of two rounds each.`,
  '',
  '| plugins | view | messages/s | events/s | output |',
  '|---|---|---|---|---|',
  ...results.map((r) => `| ${r.plugins} | ${r.view} | ${Math.round(r.messagesPerSec)} | ${Math.round(r.eventsPerSec)} | ${Math.round(r.outputKb)} KiB |`),
  '',
];
process.stdout.write(lines.join('\n'));
