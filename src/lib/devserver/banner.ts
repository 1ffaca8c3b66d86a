// What `serve` prints once it is listening: where everything is, on stdout.
import type { DevServer } from './server.js';

export function renderServeBanner(server: DevServer, opts: { color?: boolean } = {}): string {
  const bold = (s: string) => (opts.color ? `\u001b[1m${s}\u001b[22m` : s);
  const dim = (s: string) => (opts.color ? `\u001b[2m${s}\u001b[22m` : s);
  const lines = [`${bold('owncast-plugin serve')} ${server.url}/  ${dim('(console)')}`];
  for (const p of server.plugins.list()) {
    const where = p.status === 'running' ? `${server.url}/plugins/${p.slug}/` : p.status + (p.reason ? `: ${p.reason}` : '');
    lines.push(`  ${p.slug.padEnd(24)} ${where}`);
  }
  lines.push(
    '',
    dim(`chat:   curl -X POST ${server.url}/_dev/chat -d '{"user":"ada","body":"hello"}'`),
    dim(`event:  curl -X POST ${server.url}/_dev/event -d '{"type":"stream.started","payload":{}}'`),
    dim(`state:  ${server.plan.stateDir}`),
    dim('Ctrl-C to stop'),
    '',
  );
  return `${lines.join('\n')}\n`;
}
