// The parts of `serve` that come before any plugin runs: the port, what the paths are, where
// state lives, and --config flags.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { configOverridesFor, parseConfigFlags, unusedConfigSlugs } from '../../src/lib/devserver/config-flags.js';
import { choosePort, listenLoopback } from '../../src/lib/devserver/listen.js';
import { clearState, planServe } from '../../src/lib/devserver/targets.js';
import { UserError } from '../../src/lib/errors.js';
import { parseManifest } from '../../src/lib/manifest/index.js';

const temps: string[] = [];
const servers: { close(): void }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) s.close();
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function temp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'ocp-serve-'));
  temps.push(d);
  return d;
}
function caught(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

describe('the port', () => {
  it('is --port, else $PORT, else 8080', () => {
    expect(choosePort(9000, { PORT: '7000' })).toBe(9000);
    expect(choosePort(undefined, { PORT: '7000' })).toBe(7000);
    expect(choosePort(undefined, {})).toBe(8080);
    expect(caught(() => choosePort(undefined, { PORT: 'http' })).message).toMatch(/PORT must be a port number/);
    expect(caught(() => choosePort(70000, {})).exitCode).toBe(2);
  });

  it('binds loopback only, and a busy port is a user error suggesting a free one', async () => {
    const first = createServer();
    servers.push(first);
    const port = await listenLoopback(first, 0);
    expect(first.address()).toMatchObject({ address: '127.0.0.1', port });
    const second = createServer();
    servers.push(second);
    const err = await listenLoopback(second, port).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(`port ${port} is already in use on 127.0.0.1`);
    const suggested = Number(/--port (\d+)/.exec((err as UserError).nextSteps[0] ?? '')?.[1]);
    expect(suggested).toBeGreaterThan(port);
    // the suggestion really is free
    const third = createServer();
    servers.push(third);
    await expect(listenLoopback(third, suggested)).resolves.toBe(suggested);
  });
});

describe('what serve was pointed at', () => {
  it('tells projects, packages, loose files and plugins directories apart, and puts state in the right place', async () => {
    const cwd = await temp();
    const project = join(cwd, 'proj');
    await mkdir(project);
    await writeFile(join(project, 'plugin.manifest.json'), '{}');
    const plugins = join(cwd, 'plugins');
    await mkdir(plugins);
    await writeFile(join(cwd, 'a.ocpkg'), 'x');
    await writeFile(join(cwd, 'b.js'), 'x');

    expect(await planServe(['proj'], cwd)).toEqual({ targets: [{ kind: 'project', path: project }], stateDir: join(project, '.owncast-dev') });
    expect(await planServe([], project)).toEqual({ targets: [{ kind: 'project', path: project }], stateDir: join(project, '.owncast-dev') });
    expect(await planServe(['a.ocpkg', 'b.js', 'plugins'], cwd)).toEqual({
      targets: [
        { kind: 'package', path: join(cwd, 'a.ocpkg') },
        { kind: 'loose', path: join(cwd, 'b.js') },
        { kind: 'plugins-dir', path: plugins },
      ],
      stateDir: join(cwd, '.owncast-dev'),
    });
    // two projects: neither owns the state
    expect((await planServe(['proj', 'a.ocpkg'], cwd)).stateDir).toBe(join(cwd, '.owncast-dev'));
  });

  it('refuses what it cannot serve with a reason', async () => {
    const cwd = await temp();
    await writeFile(join(cwd, 'x.py'), '');
    await writeFile(join(cwd, 'notes.txt'), '');
    await mkdir(join(cwd, 'd1'));
    await mkdir(join(cwd, 'd2'));
    await expect(planServe(['missing'], cwd)).rejects.toThrow('missing does not exist');
    await expect(planServe(['x.py'], cwd)).rejects.toThrow('Python plugins are not supported by this tool');
    await expect(planServe(['notes.txt'], cwd)).rejects.toThrow(/is not a plugin/);
    await expect(planServe(['d1', 'd2'], cwd)).rejects.toThrow('serve takes at most one plugins directory');
    await expect(planServe(['d1', 'd1/'], cwd)).rejects.toThrow(/is given twice/);
  });

  it('--fresh clears only a .owncast-dev directory', async () => {
    const cwd = await temp();
    const state = join(cwd, '.owncast-dev');
    await mkdir(join(state, 'p'), { recursive: true });
    await writeFile(join(state, 'kv.db'), 'x');
    await clearState(state);
    await expect(planServe([], cwd)).resolves.toMatchObject({ stateDir: state });
    await expect(clearState(cwd)).rejects.toThrow(/refusing to clear/);
  });
});

describe('--config slug.key=value', () => {
  const manifest = parseManifest(
    JSON.stringify({
      api: '1',
      name: 'Greeter',
      slug: 'greeter',
      version: '1',
      permissions: [],
      config: {
        greeting: { type: 'string', default: 'hi' },
        times: { type: 'integer', default: 1 },
        ratio: { type: 'number' },
        loud: { type: 'boolean' },
        extra: { type: 'object' },
      },
    }),
  ).manifest!;

  it('types each value by its field', () => {
    const flags = parseConfigFlags([
      'greeter.greeting=007',
      'greeter.times=3',
      'greeter.ratio=0.5',
      'greeter.loud=true',
      'greeter.extra={"a":[1]}',
      'other.x=1',
    ]);
    expect(configOverridesFor(manifest, flags)).toEqual({ greeting: '007', times: 3, ratio: 0.5, loud: true, extra: { a: [1] } });
    expect(unusedConfigSlugs(flags, ['greeter'])).toEqual(['other']);
    // a value may contain '=' and '.'
    expect(configOverridesFor(manifest, parseConfigFlags(['greeter.greeting=a=b.c']))).toEqual({ greeting: 'a=b.c' });
  });

  it('says what is wrong and what the plugin declares', () => {
    expect(caught(() => parseConfigFlags(['greeting=hi'])).nextSteps).toEqual(['Write it like --config my-plugin.greeting=Hello']);
    expect(caught(() => parseConfigFlags(['greeter.=x'])).message).toMatch(/is not slug.key=value/);
    const unknown = caught(() => configOverridesFor(manifest, parseConfigFlags(['greeter.colour=red'])));
    expect(unknown.message).toBe('--config greeter.colour: the manifest of "greeter" declares no config key "colour"');
    expect(unknown.nextSteps).toEqual(['Its config keys: greeting, times, ratio, loud, extra']);
    expect(caught(() => configOverridesFor(manifest, parseConfigFlags(['greeter.times=2.5']))).message).toMatch(/expected an integer/);
    expect(caught(() => configOverridesFor(manifest, parseConfigFlags(['greeter.loud=yes']))).message).toMatch(/expected true or false/);
  });
});
