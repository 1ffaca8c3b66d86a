// What the property tests in test/fuzz found, each pinned as a fixed case (SECURITY.md,
// "Fuzzing", lists them with the property that found them).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { isAdminPath } from '../../src/lib/devserver/http/paths.js';
import { hostAllowed } from '../../src/lib/host/offthread/http/allowed-hosts.js';
import { parseJson, toPlainValue } from '../../src/lib/manifest/json.js';
import { lintManifest } from '../../src/lib/manifest/lint.js';
import { parseManifest } from '../../src/lib/manifest/validate.js';
import { openPackage, PackageError } from '../../src/lib/package/read.js';
import { parseScenarioFile } from '../../src/lib/testing/load/index.js';
import { writeZip } from '../package/zip-writer.js';

const doc = (fields: string) => `{"api":"1","name":"Echo Bot","version":"1.0.0",${fields}}`;
const rules = (text: string) => parseManifest(text).errors.map((e) => e.rule);

describe('manifest JSON: nesting (was: RangeError, a crash, from about 2 500 levels)', () => {
  it('parses as deep as Go (10 000 levels) and refuses the next level with Go\'s words, located at its bracket', () => {
    const ok = '['.repeat(10_000) + ']'.repeat(10_000);
    expect(parseJson(ok).type).toBe('array');
    let depth = 0;
    for (let v = toPlainValue(parseJson(ok)); Array.isArray(v); v = v[0]) depth++;
    expect(depth).toBe(10_000);
    const deep = '['.repeat(10_001) + ']'.repeat(10_001);
    const r = parseManifest(deep);
    expect(r.errors).toEqual([
      expect.objectContaining({ rule: 'json-syntax', line: 1, column: 10_001, message: "parse manifest json: invalid character '[' exceeded max depth" }),
    ]);
  });

  it('a config default 9 990 levels deep is a valid manifest (the host accepts it), for parse and lint', () => {
    const text = doc(`"config":{"k":{"type":"json","default":${'['.repeat(9990)}${']'.repeat(9990)}}}`);
    expect(parseManifest(text).ok).toBe(true);
    expect(lintManifest(text).errors).toEqual([]);
  });
});

describe("manifest: blank means Go's strings.TrimSpace, not String.trim (was: wrong verdicts both ways)", () => {
  it('U+0085 (NEL) is blank for the host: an allowedHosts entry of it is refused', () => {
    expect(rules(doc('"permissions":["network.fetch"],"network":{"allowedHosts":["\\u0085"]}'))).toEqual(['network-hosts']);
  });

  it('U+FEFF is not blank for the host: an allowedHosts entry or a tab title of it is accepted', () => {
    expect(rules(doc('"permissions":["network.fetch"],"network":{"allowedHosts":["\\ufeff"]}'))).toEqual([]);
    expect(rules(doc('"permissions":["ui.modify"],"tabs":[{"title":"\\ufeff","slug":"stats"}]'))).toEqual([]);
  });

  it('a tab slug of U+0085 is blank, so it is derived from the title', () => {
    const r = parseManifest(doc('"permissions":["ui.modify"],"tabs":[{"title":"Stats","slug":"\\u0085","content":"t.html"}]'));
    expect(r.errors).toEqual([]);
    expect(r.manifest?.tabs[0]?.slug).toBe('stats');
  });
});

describe('manifest: keys and repeated keys decode as Go decodes them (was: wrong verdicts)', () => {
  it('"ſlug" (LONG S) is the slug field for Go, with a key-case warning', () => {
    const r = parseManifest(doc('"\u017flug":"Bad Slug"'));
    expect(r.errors.map((e) => e.rule)).toEqual(['slug-invalid']);
    expect(r.warnings.map((w) => w.rule)).toContain('key-case');
  });

  it('null after a value leaves a string or a struct as it was', () => {
    expect(rules('{"api":"1","api":null,"name":"x","version":"1"}')).toEqual([]);
    expect(rules(doc('"permissions":["network.fetch"],"network":{"allowedHosts":["a.b"]},"network":null'))).toEqual([]);
  });

  it('a repeated struct keeps the fields it does not write again', () => {
    expect(rules(doc('"permissions":["network.fetch"],"network":{"allowedHosts":["a.b"]},"network":{}'))).toEqual([]);
  });

  it('a repeated slice decodes into the elements already there', () => {
    const r = parseManifest(doc('"permissions":["ui.modify"],"actions":[{"title":"Go"}],"actions":[{"url":"https://x.y/"}]'));
    expect(r.errors).toEqual([]);
    expect(r.manifest?.actions).toEqual([expect.objectContaining({ title: 'Go', url: 'https://x.y/' })]);
  });

  it('a repeated map keeps its other entries', () => {
    expect(rules(doc('"config":{"__secret":{"type":"string"}},"config":{"greeting":{"type":"string"}}'))).toEqual(['config-reserved']);
  });
});

describe('manifest JSON: unpaired surrogate escapes are U+FFFD, as in Go (was: a wrong verdict)', () => {
  it('two tab titles "\\ud800" and "\\udc00" are the same title for the host', () => {
    expect(rules(doc('"permissions":["ui.modify"],"tabs":[{"title":"\\ud800","slug":"a"},{"title":"\\udc00","slug":"b"}]'))).toEqual(['tab']);
  });

  it('a surrogate pair is one character; a lone one, or one in the wrong order, is U+FFFD', () => {
    expect(toPlainValue(parseJson('"\\ud83d\\ude00"'))).toBe('\u{1f600}');
    expect(toPlainValue(parseJson('"\\ud83d"'))).toBe('\ufffd');
    expect(toPlainValue(parseJson('"\\ude00\\ud83d"'))).toBe('\ufffd\ufffd');
    expect(toPlainValue(parseJson('"\\ud83dx"'))).toBe('\ufffdx');
  });
});

describe('.ocpkg from a file: a refused entry leaves the descriptor to the package (was: EBADF, a crash)', () => {
  it('a manifest whose deflate data is corrupt is a PackageError naming it, for a file as for bytes', async () => {
    const good = writeZip([
      { name: 'plugin.manifest.json', data: '{"api":"1","name":"x","version":"1"}', method: 8 },
      { name: 'plugin.js', data: 'module.exports = {}', method: 8 },
    ]);
    const bad = Buffer.from(good);
    bad[30 + 'plugin.manifest.json'.length] ^= 1; // the first byte of the manifest's data
    const dir = mkdtempSync(join(tmpdir(), 'ocp-fuzz-reg-'));
    try {
      const file = join(dir, 'x.ocpkg');
      writeFileSync(file, bad);
      for (const input of [file, bad]) {
        const err = await openPackage(input, { label: 'x.ocpkg' }).then(
          () => new Error('accepted'),
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(PackageError);
        expect(err).toMatchObject({ code: 'PACKAGE_CORRUPT', entry: 'plugin.manifest.json' });
      }
      // and the same file, intact, still opens and reads
      writeFileSync(file, good);
      const pkg = await openPackage(file);
      expect(pkg.manifestJson).toContain('"api"');
      pkg.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scenario files: deep expectation payloads (was: RangeError in the pattern check, a crash)', () => {
  it('a filter step expecting a payload 9 000 levels deep loads; a bad pattern at the bottom is located', () => {
    const file = (leaf: string) =>
      `[{"name":"deep","events":[{"filter":"chat.message.received","expect":{"action":"modify","payload":${'['.repeat(9000)}${leaf}${']'.repeat(9000)}}}]}]`;
    const where = { file: '/p/__tests__/x.test.json', displayPath: 'x.test.json', projectDir: '/p' };
    expect(parseScenarioFile(file('"/ok/"'), where).issues).toEqual([]);
    const bad = parseScenarioFile(file('"/[bad/"'), where);
    expect(bad.file).toBeNull();
    expect(bad.issues).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringMatching(/^invalid regular expression \/\[bad\/.* \(at \/0\/events\/0\/expect\/payload(\/0){9000}\)$/) })]);
  });
});

// A directory URL served its admin index.html: fixed cases through the server in
// test/fuzz/http-router.test.ts ("with admin credentials ...").
describe('plugin HTTP admin gate: the forms a request reaches (was: admin pages reached without auth)', () => {
  const pages = (...paths: string[]) => paths.map((path) => ({ title: 'Admin', path, icon: '' }));

  it('a trailing slash: "/reports/q1.html/" reaches the handler and the static lookup as the page "/reports/q1.html"', () => {
    expect(isAdminPath(pages('/reports/*.html'), '/reports/q1.html/')).toBe(true);
    expect(isAdminPath(pages('/Secret/{a,b}.txt'), '/secret/a.txt//')).toBe(true);
    expect(isAdminPath(pages('/?'), '/q/')).toBe(true);
  });

  it('a backslash read as a slash, then the trailing slash stripped', () => {
    expect(isAdminPath(pages('/?'), '/q\\')).toBe(true);
  });

  it('and what is not an admin page stays open', () => {
    expect(isAdminPath(pages('/reports/*.html'), '/reports/')).toBe(false);
    expect(isAdminPath(pages('/admin'), '/administrator')).toBe(false);
  });
});

describe('allowedHosts: a blank pattern matches nothing (was: it matched an empty hostname)', () => {
  it('"" allows no hostname, the empty one included (unreachable through an http URL, which always has a host)', () => {
    expect(hostAllowed('', [''])).toBe(false);
    expect(hostAllowed('', ['  '])).toBe(false);
    expect(hostAllowed('', ['*'])).toBe(true);
  });
});

describe('scenario files: a deep http body (was: RangeError in JSON.stringify, a crash)', () => {
  const where = { file: '/p/__tests__/x.test.json', displayPath: 'x.test.json', projectDir: '/p' };
  const bodyOf = (body: string) => {
    const r = parseScenarioFile(`[{"name":"b","events":[{"http":{"path":"/x","body":${body}}}]}]`, where);
    expect(r.issues).toEqual([]);
    const step = r.file!.scenarios[0]!.steps[0]!;
    return step.type === 'http' ? step.body : undefined;
  };

  it('a JSON body 9 000 levels deep is sent as its compact JSON text', () => {
    expect(bodyOf(`${'['.repeat(9000)}1${']'.repeat(9000)}`)).toBe(`${'['.repeat(9000)}1${']'.repeat(9000)}`);
  });

  it('the same text JSON.stringify gives, key order and number forms included', () => {
    const value = { b: [1, 2.5, 'x"y', null, true, { '2': 1e2, '1': -0 }], a: {}, '10': [] };
    expect(bodyOf(`{ "b": [1, 2.50, "x\\"y", null, true, {"2": 1e2, "1": -0}], "a": { }, "10": [ ] }`)).toBe(JSON.stringify(value));
  });
});
