import { readFileSync } from 'node:fs';

import { enginePath } from './paths.js';

export type WireType = 'PTR' | 'I64';

/** One production host function (namespace extism:host/user), as the engine imports it. */
export interface HostFunctionSpec {
  name: string;
  params: { name: string; type: WireType }[];
  result: WireType | null;
  /** '' means ambient: callable without a permission. */
  permission: string;
}

let specs: HostFunctionSpec[] | undefined;

/** The 49 production host functions our engine imports (engine/host-functions.json). */
export function hostFunctionSpecs(): HostFunctionSpec[] {
  specs ??= (JSON.parse(readFileSync(enginePath('host-functions.json'), 'utf8')) as { functions: HostFunctionSpec[] })
    .functions;
  return specs;
}

export const HOST_NAMESPACE = 'extism:host/user';
