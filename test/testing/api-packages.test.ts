// How a plugin project reaches the JS test API, through the package's "exports" and the
// compiled lib/ (`npm test` builds first), in child processes as users run them:
//   - `owncast-plugin/testing` (import or require), with owncast-plugin installed;
//   - `@owncast/plugin-sdk/testing`, the reference SDK's specifier, with this package installed
//     under that name (`"@owncast/plugin-sdk": "npm:owncast-plugin@<version>"`: npm puts it in
//     node_modules/@owncast/plugin-sdk), so a reference project's `__tests__/*.test.js` files,
//     CommonJS and run with `node`, work unchanged;
//   - the declarations, checked by tsc for an ESM and a CommonJS TypeScript consumer.
// node_modules entries are symlinks to this repository, as `npm link` makes them.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, afterAll, describe, expect, it } from 'vitest';

import { ROOT } from '../cli/helpers.js';
import { removeTemps, tempDir, writeFiles } from './helpers.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(args[0]!, args.slice(1), { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const node = (cwd: string, ...args: string[]) => run([process.execPath, ...args], cwd);

// a reference-SDK project: plain JavaScript, CommonJS, the SDK required by name
const PLUGIN = `const { definePlugin, owncast } = require("@owncast/plugin-sdk");

module.exports = definePlugin({
  onChatMessage(msg) {
    if (/^hi\\b/i.test(msg.body)) owncast.chat.send("hello, " + (msg.user ? msg.user.displayName : "there") + "!");
  },
});
`;

const TEST_JS = (sends: string) => `const { runScenarios } = require("@owncast/plugin-sdk/testing");

const say = (name, body) => ({
  event: "chat.message.received",
  payload: { id: "1", user: { id: name, displayName: name }, body, timestamp: "2024-01-01T00:00:00Z" },
});

runScenarios([
  { name: "greets a hi", events: [say("alice", "hi all")], expect: { chatSends: [${sends}] } },
  { name: "stays quiet otherwise", events: [say("bob", "good morning")], expect: { chatSends: [] } },
]);
`;

let project: string;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'lib', 'testing.js')) || !existsSync(join(ROOT, 'lib', 'testing.cjs'))) {
    throw new Error('lib/testing.js is missing: run `npm run build` first (npm test does)');
  }
  project = await tempDir('ocp-api-package-');
  await writeFiles(project, {
    'package.json': JSON.stringify({ name: 'greeter', version: '0.1.0', private: true, devDependencies: { '@owncast/plugin-sdk': 'npm:owncast-plugin@0.1.0' } }, null, 2),
    'plugin.manifest.json': JSON.stringify({ api: '1', name: 'Greeter', slug: 'greeter', version: '0.1.0', permissions: ['chat.send'], bot: { displayName: 'Greeter' } }, null, 2),
    'src/plugin.js': PLUGIN,
    '__tests__/plugin.test.js': TEST_JS('"hello, alice!"'),
  });
  await mkdir(join(project, 'node_modules', '@owncast'), { recursive: true });
  await symlink(ROOT, join(project, 'node_modules', '@owncast', 'plugin-sdk'), 'dir');
  await symlink(ROOT, join(project, 'node_modules', 'owncast-plugin'), 'dir');
});
afterAll(removeTemps);

describe('@owncast/plugin-sdk/testing (this package installed under the reference SDK’s name)', () => {
  it('a reference __tests__/plugin.test.js runs unchanged with node: builds the plugin, reports, exits 0', async () => {
    const r = await node(project, '__tests__/plugin.test.js');
    expect(r.stderr).toMatch(/Building greeter from src\/plugin\.js/);
    expect(r.stdout).toMatch(/^__tests__\/plugin\.test\.js\n {2}✔ greets a hi .*\n {2}✔ stays quiet otherwise .*\n\n2 passed, 0 failed\n$/);
    expect(r.code).toBe(0);
  });

  it('a failing scenario exits 1 with the diff at its key; runScenarioFiles runs every file in one process', async () => {
    await writeFiles(project, { '__tests__/wrong.test.js': TEST_JS('"hello, bob!"') });
    const r = await node(project, '__tests__/wrong.test.js');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('      chatSends: [0] expected "hello, bob!", got "hello, alice!"  (at /0/expect/chatSends/0)\n');
    expect(r.stdout).toContain('      -   "hello, bob!"\n      +   "hello, alice!"\n');

    const all = await node(project, '-e', 'require("@owncast/plugin-sdk/testing").runScenarioFiles().then((ok) => console.log("all passed:", ok))');
    expect(all.code).toBe(1);
    expect(all.stdout.match(/^__tests__\/\w+\.test\.js$/gm)).toEqual(['__tests__/plugin.test.js', '__tests__/wrong.test.js']);
    expect(all.stdout).toContain('all passed: false');
  });
});

describe('owncast-plugin/testing', () => {
  it('loadPlugin from an ES module test, with any assertion library (node:assert here)', async () => {
    await writeFiles(project, {
      'check.mjs': `import assert from 'node:assert/strict'
import { loadPlugin } from 'owncast-plugin/testing'

const bot = await loadPlugin('.')
try {
  await bot.event('chat.message.received', { id: '1', body: 'hi there', user: { id: 'u1', displayName: 'ada' } })
  assert.deepEqual(bot.chatSends, ['hello, ada!'])
  bot.assert({ chatSends: ['/^hello, ada/'] })
  console.log('ok', bot.slug)
} finally {
  await bot.close()
}
`,
    });
    const r = await node(project, 'check.mjs');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ok greeter\n');
    expect(r.code).toBe(0);
    const cjs = await node(project, '-e', 'const t = require("owncast-plugin/testing"); console.log(typeof t.loadPlugin, typeof t.runScenarios)');
    expect(cjs.stdout).toBe('function function\n');
  });

  it('ships declarations: tsc checks an ESM and a CommonJS TypeScript test against both specifiers', async () => {
    await writeFiles(project, {
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          typeRoots: [join(ROOT, 'node_modules', '@types')],
          types: ['node'],
        },
        include: ['typed/**/*'],
      }),
      'typed/esm.test.mts': `import { loadPlugin, runScenarios, type Effects, type ExpectInput, type PluginHarness } from 'owncast-plugin/testing'
import * as sdk from '@owncast/plugin-sdk/testing'

const expectation: ExpectInput = { chatSends: ['/^hello/'], kv: { seen: '1' } }
const bot: PluginHarness = await loadPlugin('.', { kv: { seen: '0' }, stream: { online: true } }, { startTime: new Date() })
const reply = await bot.http({ method: 'POST', path: '/api', body: { n: 1 } })
const status: number = reply.status
const effects: Effects = bot.effects
const sends: string[] = effects.chatSends
bot.assert(expectation)
const passed: boolean = await sdk.runScenarios([{ name: 'x', events: [{ command: '!hi', user: 'ann' }, { advance: 1000 }], expect: { strikes: 0 } }], { cwd: '.' })
void runScenarios; void status; void sends; void passed
// @ts-expect-error an unknown expect key
bot.check({ chatSend: [] })
`,
      'typed/cjs.test.cts': `import testing = require('@owncast/plugin-sdk/testing')

async function main(): Promise<boolean> {
  const bot = await testing.loadPlugin('.')
  const outcome = await bot.filter('chat.message.received', { body: 'hi' })
  const action: 'pass' | 'modify' | 'drop' = outcome.action
  void action
  await bot.close()
  return testing.runScenarios([{ name: 'y', events: [{ filter: 'chat.message.received', expect: { action: 'pass' } }] }])
}
void main
`,
    });
    const r = await node(project, join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json');
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
