import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../lib/cli/base-command.js'
import {renderBuildResult, buildResultToJson, type BuildResultJson} from '../lib/cli/render-build.js'
import {renderWarnings} from '../lib/cli/render-error.js'
import {buildPlugin} from '../lib/compiler/index.js'
import {daemonOptions} from '../lib/compiler/typecheck-daemon.js'

export default class Build extends BaseCommand {
  static override summary = 'Bundle a plugin into dist/plugin.js (or a self-contained plugin.wasm).'
  static override description = `Validates plugin.manifest.json exactly as the Owncast server does, then bundles the entry (src/plugin.ts, src/plugin.js, plugin.ts or plugin.js) with esbuild into one CommonJS script with @owncast/plugin-sdk left external, plus a source map. TypeScript is type-checked against the SDK's declarations meanwhile (the project's tsconfig.json when it has one; incremental, its state in <out-dir>/.tsbuildinfo); type errors fail the build. With --target wasm it also writes plugin.wasm: the engine with the plugin pre-loaded.

The type-check server: loading the TypeScript compiler takes a second or two, so the first build that has to type-check starts a background process (the "daemon") that keeps the compiler loaded and the project's last check in memory; later builds after an edit ask it over a unix socket in the per-user cache ($OWNCAST_PLUGIN_CACHE_DIR, else ~/.cache/owncast-plugin) and get the same diagnostics in tens of milliseconds. It reads the files as they are on disk at each request, serves every project of this install (a few kept warm), and exits after 15 minutes without a request. When it is missing, broken or slow to answer, the build checks in its own process as without it. --no-daemon, OWNCAST_PLUGIN_NO_DAEMON=1 or CI set: never start or use it.

Exit codes: 0 built; 1 the manifest or the code has errors; 2 usage or missing files.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> examples/echo-bot',
    '<%= config.bin %> <%= command.id %> --target wasm --imports granted',
    '<%= config.bin %> <%= command.id %> --no-typecheck',
    '<%= config.bin %> <%= command.id %> --json',
  ]

  static override enableJsonFlag = true

  static override args = {
    dir: Args.string({description: 'plugin project directory (holds plugin.manifest.json)', default: '.'}),
  }

  static override flags = {
    target: Flags.string({
      description: 'output: js (plugin.js for the shared engine) or wasm (self-contained plugin.wasm)',
      options: ['js', 'wasm'],
      default: 'js',
    }),
    imports: Flags.string({
      description: 'wasm only: import every host function (all) or only those the manifest grants (granted)',
      options: ['all', 'granted'],
      default: 'all',
    }),
    'out-dir': Flags.string({description: 'output directory [default: <dir>/dist]'}),
    typecheck: Flags.boolean({
      description: 'type-check TypeScript against the SDK declarations (type errors fail the build); --no-typecheck skips it',
      default: true,
      allowNo: true,
    }),
    daemon: Flags.boolean({
      description: 'type-check on the background type-check server (started on first use, exits after 15 idle minutes); --no-daemon checks in this process only (also OWNCAST_PLUGIN_NO_DAEMON=1, and always when CI is set)',
      default: true,
      allowNo: true,
    }),
  }

  async run(): Promise<BuildResultJson> {
    const {args, flags} = await this.parse(Build)
    const daemon = flags.typecheck ? daemonOptions(this.ctx.env, flags.daemon) : undefined
    const result = await buildPlugin(this.ctx, {
      dir: args.dir,
      target: flags.target as 'js' | 'wasm',
      imports: flags.imports as 'all' | 'granted',
      typecheck: flags.typecheck ? 'error' : 'off',
      ...(daemon === undefined ? {} : {daemon}),
      ...(flags['out-dir'] === undefined ? {} : {outDir: flags['out-dir']}),
    })
    if (!this.jsonEnabled()) {
      this.ctx.stderr.write(renderWarnings(result.warnings, {color: this.ctx.color}))
      this.ctx.stdout.write(renderBuildResult(result, {color: this.ctx.color && Boolean(this.ctx.stdout.isTTY)}))
    }
    return buildResultToJson(result)
  }
}
