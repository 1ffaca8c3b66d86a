// The watch loop on a real project in a temp directory, with real file changes: each save is
// one incremental build written to dist/ and handed on; a broken save keeps dist/ and the
// consumers on the last good build and reports where it broke; editors' atomic saves are one
// build; build output, dependencies, tool state and unrelated files set nothing off.
import { mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createCaptureStream, createContext } from '../../src/lib/context.js';
import type { UserError } from '../../src/lib/errors.js';
import type { WatchEvent } from '../../src/lib/watch/events.js';
import { ProjectWatch, type GoodBuild } from '../../src/lib/watch/project.js';
import { atomicSave, LABEL_FILE, labelSource, MANIFEST, PLUGIN_SOURCE, sleep, until, writeProject } from './project.js';

/** Long enough for a change to have been batched (100 ms debounce) and built, on a loaded machine. */
const QUIET_MS = 700;

interface Harness {
  dir: string;
  watch: ProjectWatch;
  events: WatchEvent[];
  handed: GoodBuild[];
  builds(): Extract<WatchEvent, { type: 'build' }>[];
}

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.watch.close();
    await rm(h.dir, { recursive: true, force: true });
  }
});

async function start(): Promise<Harness> {
  const dir = await writeProject();
  const out = createCaptureStream();
  const ctx = createContext({ cwd: dir, stdout: out, stderr: out, color: false, logLevel: 'silent' });
  const events: WatchEvent[] = [];
  const handed: GoodBuild[] = [];
  const watch = await ProjectWatch.start(ctx, {
    dir,
    consumers: [
      {
        async built(good) {
          handed.push(good);
          return [];
        },
      },
    ],
    onEvent: (e) => events.push(e),
  });
  const h: Harness = { dir, watch, events, handed, builds: () => events.filter((e): e is Extract<WatchEvent, { type: 'build' }> => e.type === 'build') };
  open.push(h);
  return h;
}

const distScript = (h: Harness) => readFile(join(h.dir, 'dist', 'plugin.js'), 'utf8');

describe('the watch loop', () => {
  it('builds first, then rebuilds on an edit to an imported module and hands the new bundle on', async () => {
    const h = await start();
    expect(h.builds()).toHaveLength(1);
    expect(h.builds()[0]).toMatchObject({ ok: true, slug: 'labeller', changed: [] });
    expect(await distScript(h)).toContain('v1#');
    expect(h.watch.lastGood?.build.slug).toBe('labeller');

    await writeFile(join(h.dir, LABEL_FILE), labelSource('v2'));
    await until(() => h.handed.length === 1, 20_000, 'the rebuild');
    expect(h.builds()[1]).toMatchObject({ ok: true, changed: ['src/label.ts'] });
    expect(await distScript(h)).toContain('v2#');
    expect(await readFile(join(h.dir, 'dist', 'plugin.js.map'), 'utf8')).toContain('v2#');
    // the plugin handed on is the bundle just written, with its source map
    const source = await h.handed[0]!.load();
    expect(source.slug).toBe('labeller');
    expect(source.script).toContain('v2#');
    expect(source.sourceMap).toContain('label.ts');
    expect(h.handed[0]!.changedAt).toBeTypeOf('number');
  });

  it('a syntax error keeps the last good build and says where; the fix recovers', async () => {
    const h = await start();
    await writeFile(join(h.dir, LABEL_FILE), `${labelSource('v2')}\nexport const broken = (\n`);
    await until(() => h.builds().length === 2, 20_000, 'the failed build');
    const failed = h.builds()[1]!;
    expect(failed.ok).toBe(false);
    if (failed.ok) return;
    expect(failed.problems).toBe(1);
    const error = failed.error as UserError;
    expect(error.code).toBe('BUILD_FAILED');
    expect(error.diagnostics[0]).toMatchObject({ file: expect.stringMatching(/src[/\\]label\.ts$/), line: expect.any(Number) });
    expect(error.diagnostics[0]!.frame).toContain('broken');
    expect(h.watch.failing).toBe(true);
    // nothing was written and nothing was handed on: v1 still runs
    expect(await distScript(h)).toContain('v1#');
    expect(h.handed).toHaveLength(0);

    await writeFile(join(h.dir, LABEL_FILE), labelSource('v3'));
    await until(() => h.handed.length === 1, 20_000, 'the recovery');
    expect(h.watch.failing).toBe(false);
    expect(await distScript(h)).toContain('v3#');
    expect(h.events.filter((e) => e.type === 'watching').at(-1)).toMatchObject({ failing: false, slug: 'labeller' });
  });

  it('an atomic save (temp file renamed over the original) is exactly one build; so are unlink then write, and a save-all of two files', async () => {
    const h = await start();
    // "save all": two files written a moment apart are one batch, one build
    await writeFile(join(h.dir, 'src', 'plugin.ts'), `${PLUGIN_SOURCE}// saved\n`);
    await sleep(10);
    await writeFile(join(h.dir, LABEL_FILE), labelSource('v1b'));
    await until(() => h.handed.length === 1, 20_000, 'the first rebuild');
    await sleep(QUIET_MS);
    expect(h.builds()).toHaveLength(2);
    expect(h.builds()[1]).toMatchObject({ ok: true, changed: ['src/plugin.ts', 'src/label.ts'] });
    h.handed.length = 0;
    h.events.length = 0;

    await atomicSave(join(h.dir, LABEL_FILE), labelSource('v2'));
    await until(() => h.handed.length === 1, 20_000, 'the rebuild');
    await sleep(QUIET_MS);
    expect(h.builds()).toHaveLength(1);
    expect(h.builds()[0]).toMatchObject({ ok: true, changed: ['src/label.ts'] });
    expect(await distScript(h)).toContain('v2#');

    await unlink(join(h.dir, LABEL_FILE));
    await writeFile(join(h.dir, LABEL_FILE), labelSource('v3'));
    await until(() => h.handed.length === 2, 20_000, 'the second rebuild');
    await sleep(QUIET_MS);
    expect(h.builds()).toHaveLength(2);
    expect(h.builds()[1]!.ok).toBe(true);
    expect(await distScript(h)).toContain('v3#');
  });

  it('outputs, dependencies, tool state, scratch and unrelated files never set off a build (no loop)', async () => {
    const h = await start();
    await sleep(QUIET_MS);
    // the first build wrote dist/ while the watcher was up: that was not a change either
    expect(h.builds()).toHaveLength(1);
    await writeFile(join(h.dir, 'dist', 'plugin.js'), '// rewritten by hand\n');
    await writeFile(join(h.dir, 'labeller.ocpkg'), 'not really a zip');
    await mkdir(join(h.dir, '.owncast-dev', 'data'), { recursive: true });
    await writeFile(join(h.dir, '.owncast-dev', 'data', 'kv.json'), '{}');
    await mkdir(join(h.dir, 'node_modules', 'left-pad'), { recursive: true });
    await writeFile(join(h.dir, 'node_modules', 'left-pad', 'index.js'), 'module.exports = 1');
    await writeFile(join(h.dir, 'README.md'), '# notes');
    await writeFile(join(h.dir, 'src', '.label.ts.swp'), 'vim swap');
    await writeFile(join(h.dir, 'src', 'label.ts~'), 'backup');
    await writeFile(join(h.dir, 'plugin.test.ts'), '// a JS API test beside the code');
    await sleep(QUIET_MS);
    expect(h.builds()).toHaveLength(1);
    expect(h.events.filter((e) => e.type === 'building')).toHaveLength(1);
  });

  it('a manifest change is validated again (an API version the server refuses fails, restoring it recovers); public/ files reload the plugin', async () => {
    const h = await start();
    const manifest = join(h.dir, 'plugin.manifest.json');
    await writeFile(manifest, JSON.stringify({ ...MANIFEST, api: '2' }));
    await until(() => h.builds().length === 2, 20_000, 'the manifest build');
    const failed = h.builds()[1]!;
    expect(failed).toMatchObject({ ok: false, changed: ['plugin.manifest.json'] });
    expect((failed as { error: UserError }).error.code).toBe('MANIFEST_INVALID');

    await writeFile(manifest, JSON.stringify(MANIFEST));
    await until(() => h.handed.length === 1, 20_000, 'the recovery');
    await mkdir(join(h.dir, 'public'));
    await writeFile(join(h.dir, 'public', 'index.html'), '<p>hello</p>');
    await until(() => h.handed.length === 2, 20_000, 'the public/ reload');
    expect(h.handed[1]!.changed).toEqual(['public/index.html']);
    expect((await h.handed[1]!.load()).publicFiles).not.toBeNull();
  });

  it('a module imported from outside the project (a sibling shared/ directory) is watched as a source', async () => {
    const h = await start();
    const shared = join(h.dir, '..', `${basename(h.dir)}-shared`);
    await mkdir(shared);
    try {
      await writeFile(join(shared, 'label.ts'), labelSource('shared1'));
      await writeFile(join(h.dir, LABEL_FILE), `export {label} from '../../${basename(shared)}/label'\n`);
      await until(() => h.handed.length === 1 && h.events.at(-1)?.type === 'watching', 20_000, 'the build with the shared module');
      expect(await distScript(h)).toContain('shared1#');
      // the module is watched from that build on (chokidar starts watching it a moment later)
      await sleep(300);
      await writeFile(join(shared, 'label.ts'), labelSource('shared2'));
      await until(async () => (await distScript(h)).includes('shared2#'), 20_000, 'the rebuild from the shared module');
      expect(h.builds().at(-1)).toMatchObject({ ok: true, changed: [`../${basename(shared)}/label.ts`] });
    } finally {
      await rm(shared, { recursive: true, force: true });
    }
  });

  it('saves during a build are one more build after it, never two at once', async () => {
    const h = await start();
    for (let i = 2; i <= 6; i++) {
      await writeFile(join(h.dir, LABEL_FILE), labelSource(`v${i}`));
      await sleep(60 + (i % 2) * 90);
    }
    await until(async () => (await distScript(h)).includes('v6#') && h.events.at(-1)?.type === 'watching', 20_000, 'the last save');
    // rounds never overlap: every building is followed by its build before the next one
    const seq = h.events.filter((e) => e.type === 'building' || e.type === 'build').map((e) => e.type);
    for (let i = 0; i < seq.length; i += 2) expect(seq.slice(i, i + 2)).toEqual(['building', 'build']);
    expect(h.builds().length).toBeLessThanOrEqual(6);
    expect(h.handed.at(-1)!.build.slug).toBe('labeller');
  });
});
