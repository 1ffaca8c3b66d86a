import Build from './build.js'
import Demo from './demo.js'
import Inspect from './inspect.js'
import LintManifest from './lint-manifest.js'
import New from './new.js'
import Package from './package.js'
import Serve from './serve.js'
import Simulate from './simulate.js'
import Test from './test.js'
import Watch from './watch.js'

/**
 * Every command of the CLI (oclif's "explicit" discovery: package.json oclif.commands points
 * here). After adding one, run `npm run manifest` and commit oclif.manifest.json.
 */
export const COMMANDS = {
  build: Build,
  demo: Demo,
  inspect: Inspect,
  'lint-manifest': LintManifest,
  new: New,
  package: Package,
  serve: Serve,
  simulate: Simulate,
  test: Test,
  watch: Watch,
}
