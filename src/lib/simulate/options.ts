// The simulate command's flags, checked once (style §7: normalise options at the entry point).

import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';

import { UserError } from '../errors.js';

/** --speed: "2", "0.5" or "4x"; above 0 and at most 1000. */
export function parseSpeed(text: string): number {
  const speed = Number(text.replace(/x$/i, ''));
  if (text.trim() === '' || !Number.isFinite(speed) || speed <= 0 || speed > 1000) {
    throw new UserError(`--speed ${text}: expected a number above 0 and at most 1000, such as 2 or 0.5`, { code: 'USAGE' });
  }
  return speed;
}

/** --state DIR: created when missing; returns its absolute path. */
export async function prepareStateDir(cwd: string, dir: string): Promise<string> {
  const path = resolve(cwd, dir);
  await mkdir(path, { recursive: true }).catch((err: Error) => {
    throw new UserError(`--state ${dir}: cannot create the directory: ${err.message}`, { code: 'USAGE' });
  });
  return path;
}
