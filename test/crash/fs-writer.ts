// A child process for fs-write.test.ts: rewrites one large file in a plugin's fs sandbox
// (src/lib/host/storage/fs.ts, what owncast.fs.write calls) as fast as it can, printing
// "acked <gen>" after each write returned, until it is SIGKILLed. One buffer is refilled
// for each generation, so nearly all the time goes into the write the kill should cut.
// Usage: fs-writer <sandbox root> <bytes> <first generation>
import { createFsSandbox } from '../../src/lib/host/storage/fs.js';

const [root, size, from] = process.argv.slice(2) as [string, string, string];
const box = createFsSandbox(root);
// "<gen, 10 digits> <size>\n" then <size> copies of one letter
const headerLength = `${'0'.repeat(10)} ${size}\n`.length;
const data = Buffer.alloc(headerLength + Number(size));
for (let gen = Number(from); ; gen++) {
  data.write(`${String(gen).padStart(10, '0')} ${size}\n`, 0, 'latin1');
  data.fill(97 + (gen % 26), headerLength);
  const result = box.write('data/big.bin', data);
  if (!result.ok) {
    process.stderr.write(`write failed: ${result.error}\n`);
    process.exit(1);
  }
  process.stdout.write(`acked ${gen}\n`);
}
