// JUnit XML, the shape CI systems read (the Ant/Jenkins schema): <testsuites> with totals,
// one <testsuite> per scenario file, one <testcase> per scenario with its time in seconds, a
// <failure> per failed assertion, and the plugin's peak memory and any warnings in
// <system-out> / <system-err>.

import { jsonText } from '../match/values.js';
import type { ScenarioResult, TestRunResult } from '../results.js';

/** Text safe in XML content and attributes (and without characters XML 1.0 cannot hold). */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function testcase(r: ScenarioResult): string[] {
  const open = `    <testcase name="${xmlEscape(r.name)}" classname="${xmlEscape(r.file)}" time="${seconds(r.durationMs)}">`;
  const body: string[] = [];
  for (const f of r.failures) {
    const detail = [
      f.message,
      ...(f.pointer ? [`at ${f.pointer}`] : []),
      ...('expected' in f ? [`expected: ${jsonText(f.expected)}`, `actual: ${jsonText(f.actual)}`] : []),
    ].join('\n');
    body.push(`      <failure message="${xmlEscape(`${f.key}: ${f.message}`)}" type="${xmlEscape(f.key)}">${xmlEscape(detail)}</failure>`);
  }
  const memory = r.plugins.map((p) => `peak memory ${p.slug}: ${p.peakMemoryBytes} bytes`).join('\n');
  body.push(`      <system-out>${xmlEscape(memory)}</system-out>`);
  const warnings = [...r.permissionWarnings, ...r.hostWarnings];
  if (warnings.length > 0) body.push(`      <system-err>${xmlEscape(warnings.join('\n'))}</system-err>`);
  return [open, ...body, '    </testcase>'];
}

export function renderJunit(run: TestRunResult, opts: { timestamp?: Date } = {}): string {
  const byFile = new Map<string, ScenarioResult[]>();
  for (const r of run.scenarios) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
  const timestamp = (opts.timestamp ?? new Date()).toISOString().replace(/\.\d+Z$/, '');
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="owncast-plugin test" tests="${run.scenarios.length}" failures="${run.failed}" errors="0" skipped="0" time="${seconds(run.durationMs)}">`,
  ];
  let id = 0;
  for (const [file, results] of byFile) {
    const failed = results.filter((r) => r.status === 'failed').length;
    const time = results.reduce((t, r) => t + r.durationMs, 0);
    lines.push(
      `  <testsuite name="${xmlEscape(file)}" id="${id++}" tests="${results.length}" failures="${failed}" errors="0" skipped="0" time="${seconds(time)}" timestamp="${timestamp}">`,
      ...results.flatMap(testcase),
      '  </testsuite>',
    );
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
