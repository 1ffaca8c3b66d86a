// TAP version 14 (readable by TAP 13 consumers): the version line, the plan, one test point
// per scenario with a YAML diagnostic block for each failure (JSON values are valid YAML flow
// style), warnings as comments, and the closing `# N passed, N failed`.

import { jsonText } from '../match/values.js';
import type { TestRunResult } from '../results.js';

/** A test point description: `#` starts a directive in TAP, so it is escaped, and it stays on one line. */
function description(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/#/g, '\\#').replace(/[\r\n]+/g, ' ');
}

const yamlString = (s: string) => JSON.stringify(s);

export function renderTap(run: TestRunResult): string {
  const lines = ['TAP version 14', `1..${run.scenarios.length}`];
  for (const [i, r] of run.scenarios.entries()) {
    const ok = r.status === 'passed';
    lines.push(`${ok ? 'ok' : 'not ok'} ${i + 1} - ${description(`${r.file} :: ${r.name}`)}`);
    for (const w of r.permissionWarnings) lines.push(`# warning: ${w.replace(/[\r\n]+/g, ' ')}`);
    if (ok) continue;
    lines.push('  ---');
    lines.push(`  duration_ms: ${Math.round(r.durationMs)}`);
    lines.push(`  peak_memory_bytes: ${r.peakMemoryBytes}`);
    lines.push('  failures:');
    for (const f of r.failures) {
      lines.push(`    - key: ${yamlString(f.key)}`);
      lines.push(`      message: ${yamlString(f.message)}`);
      lines.push(`      at: ${yamlString(f.pointer)}`);
      if ('expected' in f) lines.push(`      expected: ${jsonText(f.expected)}`);
      if ('actual' in f) lines.push(`      actual: ${jsonText(f.actual)}`);
    }
    lines.push('  ...');
  }
  if (run.bailed) lines.push('Bail out! stopped at the first failure (--bail)');
  lines.push(`# ${run.passed} passed, ${run.failed} failed`);
  return `${lines.join('\n')}\n`;
}
