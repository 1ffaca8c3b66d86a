// The Owncast the worker's host talks to, made from its structured-clonable description.

import { createDevEnv, type DevEnv } from '../env/index.js';
import type { WorkerEnvSpec } from './protocol.js';

/** `print` receives each line the env reports (what a plugin did to Owncast). */
export function createWorkerEnv(spec: WorkerEnvSpec, print: (line: string) => void): DevEnv {
  switch (spec.kind) {
    case 'dev':
      return createDevEnv(print, { seed: spec.seed, sessionSecret: spec.sessionSecret });
  }
}
