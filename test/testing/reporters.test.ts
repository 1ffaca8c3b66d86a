// The four reporters over one run: pretty (diff, time, memory, warnings, closing line), json,
// junit (checked against the JUnit schema's shape: testsuites > testsuite > testcase >
// failure, counts and times that add up, escaping) and tap (version, plan, test points, YAML).

import { describe, expect, it } from 'vitest';

import { renderJson, renderJunit, renderPretty, renderTap, type TestRunResult } from '../../src/lib/testing/index.js';
import { parseXml, type XmlElement } from './xml.js';

const run: TestRunResult = {
  ok: false,
  passed: 2,
  failed: 1,
  durationMs: 1234,
  builds: [],
  warnings: [],
  bailed: false,
  scenarios: [
    {
      file: '__tests__/greet.test.json',
      name: 'greets by name',
      index: 0,
      status: 'passed',
      failures: [],
      durationMs: 12.4,
      peakMemoryBytes: 1_507_328,
      plugins: [{ slug: 'greeter', peakMemoryBytes: 1_507_328 }],
      permissionWarnings: ['owncast_kv_set: plugin "greeter" lacks permission "storage.kv"; the call did nothing.'],
      hostWarnings: [],
    },
    {
      file: '__tests__/greet.test.json',
      name: 'counts <messages> & "quotes" # twice',
      index: 1,
      status: 'failed',
      failures: [
        {
          key: 'chatSends',
          pointer: '/1/expect/chatSends/1',
          message: '[1] expected "two", got "three"',
          expected: ['one', 'two'],
          actual: ['one', 'three'],
        },
        { key: 'step 1 (filter)', pointer: '/1/events/0/expect/action', message: 'expected drop, got pass' },
      ],
      durationMs: 9.6,
      peakMemoryBytes: 2_000_000,
      plugins: [{ slug: 'greeter', peakMemoryBytes: 2_000_000 }],
      permissionWarnings: [],
      hostWarnings: ['plugin greeter: on_event(chat.message.received) failed: boom'],
    },
    {
      file: '__tests__/other.test.json',
      name: 'other',
      index: 0,
      status: 'passed',
      failures: [],
      durationMs: 1500,
      peakMemoryBytes: 1_000,
      plugins: [{ slug: 'greeter', peakMemoryBytes: 1_000 }],
      permissionWarnings: [],
      hostWarnings: [],
    },
  ],
};

describe('pretty', () => {
  it('lists scenarios by file with time and peak memory, failures with a diff, and ends with N passed, N failed', () => {
    expect(renderPretty(run, { color: false })).toBe(
      [
        '__tests__/greet.test.json',
        '  ✔ greets by name  12 ms  1.51 MB',
        '      ⚠ owncast_kv_set: plugin "greeter" lacks permission "storage.kv"; the call did nothing.',
        '  ✖ counts <messages> & "quotes" # twice  10 ms  2.00 MB',
        '      chatSends: [1] expected "two", got "three"  (at /1/expect/chatSends/1)',
        '      - expected  + actual',
        '        [',
        '          "one",',
        '      -   "two"',
        '      +   "three"',
        '        ]',
        '      step 1 (filter): expected drop, got pass  (at /1/events/0/expect/action)',
        '      host: plugin greeter: on_event(chat.message.received) failed: boom',
        '',
        '__tests__/other.test.json',
        '  ✔ other  1.5 s  1.00 kB',
        '',
        '2 passed, 1 failed',
        '',
      ].join('\n'),
    );
  });

  it('colours the diff: expected in red, actual in green', () => {
    const text = renderPretty(run, { color: true });
    expect(text).toContain('\u001B[31m-   "two"\u001B[39m');
    expect(text).toContain('\u001B[32m+   "three"\u001B[39m');
    expect(text).toContain('\u001B[31m✖\u001B[39m');
  });

  it('says when --bail stopped the run', () => {
    expect(renderPretty({ ...run, bailed: true }, { color: false })).toMatch(/stopped at the first failure \(--bail\)\n2 passed, 1 failed\n$/);
  });
});

describe('json', () => {
  it('is the run result itself', () => {
    expect(JSON.parse(renderJson(run))).toEqual(run);
  });
});

describe('junit', () => {
  const children = (el: XmlElement, name: string) => el.children.filter((c) => c.name === name);

  it('is well-formed testsuites > testsuite > testcase > failure, with counts and times that add up', () => {
    const root = parseXml(renderJunit(run, { timestamp: new Date('2026-01-02T03:04:05.678Z') }));
    expect(root.name).toBe('testsuites');
    expect(root.attributes).toEqual({ name: 'owncast-plugin test', tests: '3', failures: '1', errors: '0', skipped: '0', time: '1.234' });
    const suites = children(root, 'testsuite');
    expect(suites.map((s) => s.attributes)).toEqual([
      { name: '__tests__/greet.test.json', id: '0', tests: '2', failures: '1', errors: '0', skipped: '0', time: '0.022', timestamp: '2026-01-02T03:04:05' },
      { name: '__tests__/other.test.json', id: '1', tests: '1', failures: '0', errors: '0', skipped: '0', time: '1.500', timestamp: '2026-01-02T03:04:05' },
    ]);
    for (const suite of suites) {
      const cases = children(suite, 'testcase');
      expect(cases).toHaveLength(Number(suite.attributes.tests));
      expect(cases.filter((c) => children(c, 'failure').length > 0)).toHaveLength(Number(suite.attributes.failures));
      for (const c of cases) {
        expect(Object.keys(c.attributes).sort()).toEqual(['classname', 'name', 'time']);
        expect(c.attributes.time).toMatch(/^\d+\.\d{3}$/);
        // only elements the JUnit schema allows inside a testcase
        for (const child of c.children) expect(['failure', 'error', 'skipped', 'system-out', 'system-err']).toContain(child.name);
      }
    }
    const failed = children(suites[0]!, 'testcase')[1]!;
    expect(failed.attributes.name).toBe('counts <messages> & "quotes" # twice');
    expect(children(failed, 'failure').map((f) => f.attributes)).toEqual([
      { message: 'chatSends: [1] expected "two", got "three"', type: 'chatSends' },
      { message: 'step 1 (filter): expected drop, got pass', type: 'step 1 (filter)' },
    ]);
    expect(children(failed, 'failure')[0]!.text).toBe('[1] expected "two", got "three"\nat /1/expect/chatSends/1\nexpected: ["one","two"]\nactual: ["one","three"]');
    expect(children(failed, 'system-out')[0]!.text).toBe('peak memory greeter: 2000000 bytes');
    expect(children(failed, 'system-err')[0]!.text).toContain('failed: boom');
  });

  it('characters XML cannot hold are replaced, not written raw', () => {
    const odd = { ...run, scenarios: [{ ...run.scenarios[0]!, name: 'bell \u0007 here' }] };
    expect(parseXml(renderJunit(odd)).children[0]!.children[0]!.attributes.name).toBe('bell \uFFFD here');
  });
});

describe('tap', () => {
  it('version, plan, a test point per scenario, YAML for failures, and the closing line', () => {
    const lines = renderTap(run).split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'TAP version 14',
      '1..3',
      'ok 1 - __tests__/greet.test.json :: greets by name',
      '# warning: owncast_kv_set: plugin "greeter" lacks permission "storage.kv"; the call did nothing.',
    ]);
    // "#" would start a directive: escaped
    expect(lines[4]).toBe('not ok 2 - __tests__/greet.test.json :: counts <messages> & "quotes" \\# twice');
    const yaml = lines.slice(lines.indexOf('  ---'), lines.indexOf('  ...') + 1);
    expect(yaml).toEqual([
      '  ---',
      '  duration_ms: 10',
      '  peak_memory_bytes: 2000000',
      '  failures:',
      '    - key: "chatSends"',
      '      message: "[1] expected \\"two\\", got \\"three\\""',
      '      at: "/1/expect/chatSends/1"',
      '      expected: ["one","two"]',
      '      actual: ["one","three"]',
      '    - key: "step 1 (filter)"',
      '      message: "expected drop, got pass"',
      '      at: "/1/events/0/expect/action"',
      '  ...',
    ]);
    expect(lines.slice(-3)).toEqual(['ok 3 - __tests__/other.test.json :: other', '# 2 passed, 1 failed', '']);
    const points = lines.filter((l) => /^(not )?ok \d+ /.test(l));
    expect(points).toHaveLength(3);
  });

  it('a bailed run says Bail out!', () => {
    expect(renderTap({ ...run, bailed: true })).toContain('\nBail out! stopped at the first failure (--bail)\n');
  });
});
