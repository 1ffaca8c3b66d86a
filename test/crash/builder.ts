// A child process for build-write.test.ts: builds one plugin project again and again with the
// real `build` (src/lib/compiler/build.ts), a new generation of its source each time, printing
// "built <gen>" after each build returned, until it is SIGKILLed. The source carries a large
// string of one letter between two markers naming the generation, so most of a build's time
// goes into writing dist/plugin.js, where the kill should land, and a torn output shows.
// Usage: builder <project dir> <bytes of payload> <first generation>
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { buildPlugin } from '../../src/lib/compiler/build.js';
import { createContext } from '../../src/lib/context.js';

const [dir, size, from] = process.argv.slice(2) as [string, string, string];
const sink = { write: () => true, isTTY: false };
const ctx = createContext({ cwd: dir, stdout: sink, stderr: process.stderr, color: false, logLevel: 'warn', env: {} });
mkdirSync(join(dir, 'src'), { recursive: true });

function pluginSource(gen: number, bytes: number): string {
  const letter = String.fromCharCode(97 + (gen % 26));
  return [
    `import { definePlugin } from '@owncast/plugin-sdk';`,
    `const HEAD = "gen-head ${gen}";`,
    `const PAYLOAD = "${letter.repeat(bytes)}";`,
    `const TAIL = "gen-tail ${gen}";`,
    `definePlugin({ onHttpRequest() { return { body: HEAD + PAYLOAD.length + TAIL }; } });`,
    '',
  ].join('\n');
}

for (let gen = Number(from); ; gen++) {
  writeFileSync(join(dir, 'src', 'plugin.js'), pluginSource(gen, Number(size)));
  try {
    await buildPlugin(ctx, { dir, typecheck: 'off' });
  } catch (err) {
    process.stderr.write(`build failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  }
  process.stdout.write(`built ${gen}\n`);
}
