// npx tsx bench/hostile-serve.bench.ts [--quick] — hostile plugins under load through the real
// dev server (startDevServer on 127.0.0.1, plugins in the ThreadedHost, one thread each), beside the
// four well-behaved examples (echo-bot, profanity-filter, message-counter, chat-overlay).
// Phases, in one process: the four alone; the four beside safeguard-stress and the hostile
// fixtures while an attack runs (test/host/hostile/serve-arena.ts); the same server again once
// the attack is over (its disabled plugins out, sse-blaster still pushing to 64 held
// connections, ping-pong storms still arriving); the four alone again. Chat goes through
// POST /_dev/chat, HTTP to chat-overlay's route and static file; every answer is checked.
// Prints markdown.
import { cpus, loadavg } from 'node:os';

import {
  CONTAINED_BY,
  HOSTILE,
  attack,
  containment,
  holdSse,
  postEvent,
  slowUpstream,
  startArena,
  wellBehavedLoad,
  wellBehavedState,
  wellBehavedStrikes,
  type LoadResult,
} from '../test/host/hostile/serve-arena.js';

const quick = process.argv.includes('--quick');
const LOAD = quick ? { messages: 200, requests: 300, clients: 4 } : { messages: 800, requests: 1500, clients: 4 };
const WARMUP = { messages: quick ? 60 : 200, requests: quick ? 60 : 200, clients: 4 };
const SSE_CLIENTS = 100;

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(1) : Math.round(ms).toString());

async function cleanRun(tag: string): Promise<LoadResult> {
  const a = await startArena({ hostile: false });
  try {
    await wellBehavedLoad(a.server.url, { ...WARMUP, tag: `${tag}-warm` });
    return await wellBehavedLoad(a.server.url, { ...LOAD, tag });
  } finally {
    await a.close();
  }
}

async function main() {
  const upstream = await slowUpstream(1000);
  process.stderr.write('clean…\n');
  const clean1 = await cleanRun('clean1');

  process.stderr.write('hostile…\n');
  const a = await startArena({ hostile: true });
  const base = a.server.url;
  const sse = await holdSse(base, SSE_CLIENTS);
  // warm chat-overlay's route only: a chat message would meet spinner's and flooder's filters
  await wellBehavedLoad(base, { messages: 0, requests: WARMUP.requests, clients: 4, tag: 'warm' });
  const rssBefore = process.memoryUsage().rss;
  const [underAttack, att] = await Promise.all([
    wellBehavedLoad(base, { ...LOAD, tag: 'attack' }),
    attack(base, { storms: 10, upstreamCalls: 5, burns: 5, upstreamPort: upstream.port }),
  ]);
  process.stderr.write('contained…\n');
  // after the attack: what is still running keeps going (sse-blaster, held SSE, storms)
  let stop = false;
  const storms = (async () => {
    let n = 0;
    while (!stop) {
      await postEvent(base, 'ping.hit', { n: 0, fan: 3 });
      n++;
      await new Promise((r) => setTimeout(r, 250));
    }
    return n;
  })();
  const contained = await wellBehavedLoad(base, { ...LOAD, tag: 'contained' });
  stop = true;
  const stormsDuring = await storms;
  const state = await wellBehavedState(base, 'contained');
  const rows = containment(a, state.statuses);
  const wbStrikes = wellBehavedStrikes(a);
  const rssAfter = process.memoryUsage().rss;
  const feed = a.feed;
  sse.close();
  await a.close();

  process.stderr.write('clean again…\n');
  const clean2 = await cleanRun('clean2');
  await upstream.close();

  // the clean reference: the better of the two clean runs (before and after), per figure
  const best = {
    chatRate: Math.max(clean1.chat.perSecond, clean2.chat.perSecond),
    chatP99: Math.min(clean1.chat.p99, clean2.chat.p99),
    httpRate: Math.max(clean1.http.perSecond, clean2.http.perSecond),
    httpP99: Math.min(clean1.http.p99, clean2.http.p99),
  };
  const row = (name: string, r: LoadResult, vs: boolean) =>
    `| ${name} | ${Math.round(r.chat.perSecond)} | ${fmt(r.chat.p50)} | ${fmt(r.chat.p99)} | ${Math.round(r.http.perSecond)} | ${fmt(r.http.p50)} | ${fmt(r.http.p99)} | ${r.wrong.length} | ${r.timeouts} | ` +
    (vs
      ? `${(best.chatRate / r.chat.perSecond).toFixed(2)}× / ${(r.chat.p99 / best.chatP99).toFixed(2)}× / ${(best.httpRate / r.http.perSecond).toFixed(2)}× / ${(r.http.p99 / best.httpP99).toFixed(2)}× |`
      : '— |');

  const out: string[] = [];
  out.push('## Hostile plugins under load through `serve` (`npx tsx bench/hostile-serve.bench.ts`)');
  out.push('');
  out.push(
    `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}. A dev server on 127.0.0.1 (startDevServer in this process; its ThreadedHost's host thread, and each plugin in a thread of its own) with the four well-behaved ` +
      `examples (echo-bot, profanity-filter, message-counter, chat-overlay). Each phase: ${LOAD.messages} chat messages through POST /_dev/chat from ${LOAD.clients} ` +
      `concurrent chatters (a word to mask, an \`!echo\`, a plain line, a shouted word to drop) and, at the same time, ${LOAD.requests} GETs from ${LOAD.clients} clients ` +
      '(chat-overlay\'s `/stats` route and its static `overlay.html`, alternately), every answer checked. "Hostile" adds safeguard-stress and nine hostile fixtures ' +
      `(${HOSTILE.filter((s) => s !== 'safeguard-stress').join(', ')}) and ${SSE_CLIENTS} SSE connections to sse-blaster that never read. ` +
      'Latencies in ms; the last column is hostile / clean for chat rate, chat p99, HTTP rate, HTTP p99 (clean: the better of the two clean runs; target ≤ 2×).',
  );
  out.push('');
  out.push('| Phase | chat msgs/s | chat p50 | chat p99 | HTTP req/s | HTTP p50 | HTTP p99 | wrong answers | 504s | × clean (chat rate / p99 / HTTP rate / p99) |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  out.push(row('clean (before)', clean1, false));
  out.push(row(`hostile, during the attack (${att.seconds.toFixed(1)} s)`, underAttack, true));
  out.push(row(`hostile, contained (${stormsDuring} more storms meanwhile)`, contained, true));
  out.push(row('clean (after)', clean2, false));
  out.push('');
  out.push(
    `The attack, concurrent with the "during" load: safeguard-stress's chat triggers (notify flood, alloc, recurse, timers; filter huge, spin ×5), ` +
      'flooder\'s flood hook, hog ×2 hooks and ×5 HTTP, recurser ×5, timer-bomb armed then exploding, sse-blaster started, ' +
      `10 ping-pong storms (fan 3: ${att.stormMs.length ? `${fmt(Math.min(...att.stormMs))}–${fmt(Math.max(...att.stormMs))} ms each` : ''}), ` +
      `slowpoke ×5 on a 1 s upstream (${att.upstreamMs.map(fmt).join(', ')} ms) then ×5 burning its 5 s budget (${att.burnMs.map(fmt).join(', ')} ms).`,
  );
  out.push('');
  out.push('| Hostile plugin | Contained by | Status after | Strikes by path | Disabled (reason) |');
  out.push('|---|---|---|---|---|');
  for (const r of rows) {
    const strikes = Object.entries(r.strikes).map(([p, n]) => `${p} ${n}`).join(', ') || '0';
    const extra = r.emitsDropped ? `; ${r.emitsDropped} emits dropped by the caps` : '';
    out.push(`| ${r.slug} | ${CONTAINED_BY[r.slug as keyof typeof CONTAINED_BY]} | ${r.status}${extra} | ${strikes} | ${r.disabled ? `${r.disabled.by}: ${r.disabled.reason.replace(/\|/g, '/')}` : '—'} |`);
  }
  out.push('');
  const wbOk = Object.values(wbStrikes).every((n) => n === 0);
  out.push(
    `Well-behaved: strikes ${JSON.stringify(wbStrikes)}, statuses after ${['echo-bot', 'profanity-filter', 'message-counter', 'chat-overlay'].map((s) => `${s} ${state.statuses[s]}`).join(', ')}${wbOk ? '' : ' (STRUCK)'}; ` +
      `echo-bot's last answer ${state.echo ? 'present' : 'MISSING'}; message-counter's total ${state.total} = chat-overlay's count ${state.overlay}. ` +
      `SSE: ${sse.opened} of ${SSE_CLIENTS} connections accepted, ${sse.refused} refused (503). Host events besides disables: ${feed.hostEvents.length ? feed.hostEvents.map((e) => e.type).join(', ') : 'none (no watchdog restart)'}; ` +
      `activity the host thread dropped past its queue bound: ${feed.activityDropped}. Process RSS (HTTP thread, host thread, plugin threads, clients) ${Math.round(rssBefore / 2 ** 20)} MiB before the attack, ${Math.round(rssAfter / 2 ** 20)} MiB after.`,
  );
  if (underAttack.timeouts || underAttack.wrong.length) {
    out.push('');
    out.push(
      'Each plugin runs in its own thread in `serve`: a call that holds one (slowpoke\'s 5 s burns, its waits on the slow upstream) holds only that plugin, but the hostile ' +
        'plugins\' CPU is still shared with the others\' threads on this machine\'s cores; ' +
        `chat-overlay's route answered 504 ${underAttack.timeouts} times (its call waited past the 5 s handler deadline).`,
    );
    if (underAttack.wrong.length) out.push(`Wrong answers during the attack: ${underAttack.wrong.slice(0, 5).join('; ')}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
