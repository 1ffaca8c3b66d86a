import { join } from 'node:path';

import { packageRoot } from '../engine/paths.js';

/**
 * The SDK's public type declarations (`@owncast/plugin-sdk`), as shipped in the npm package.
 * tsc does not copy hand-written .d.ts files into lib/, so the package carries this one from
 * src/ (package.json "files"); `new` copies it into projects and `build` type-checks against it.
 */
export function sdkDeclarationsPath(): string {
  return join(packageRoot(), 'src', 'lib', 'sdk', 'index.d.ts');
}
