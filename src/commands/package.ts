import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../lib/cli/base-command.js'
import {renderWarnings} from '../lib/cli/render-error.js'
import {packageResultToJson, renderPackageResult, type PackageResultJson} from '../lib/cli/render-package.js'

export default class Package extends BaseCommand {
  static override summary = 'Write <slug>.ocpkg, the file an Owncast admin uploads.'
  static override description = `Builds the project first when dist/ is missing or older than its sources, checks the manifest with the Owncast server's rules (lint-manifest) and runs register() in the sandbox as the server does before it installs a package, then writes a zip of plugin.manifest.json (verbatim), one code entry (dist/plugin.js as plugin.js, or dist/plugin.wasm as plugin.wasm with --target wasm), icon.png, INSTRUCTIONS.md, public/** and assets/**. The package is deterministic: the same inputs give the same bytes (sorted entries, fixed timestamps and modes). Symlinks, names that are not clean relative paths, duplicates, files the manifest names that the package would not contain, and anything over the server's size caps are refused. The built files are kept.

For a least-privilege wasm, build it first: owncast-plugin build --target wasm --imports granted.

Exit codes: 0 written; 1 refused (manifest errors, a failing register(), missing or hostile files, size caps) or the build failed; 2 usage or missing files.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> examples/echo-bot --out dist/',
    '<%= config.bin %> <%= command.id %> --target wasm',
    '<%= config.bin %> <%= command.id %> --json',
  ]

  static override enableJsonFlag = true

  static override args = {
    dir: Args.string({description: 'plugin project directory (holds plugin.manifest.json)', default: '.'}),
  }

  static override flags = {
    out: Flags.string({char: 'o', description: 'package file, or a directory for <slug>.ocpkg [default: <dir>/<slug>.ocpkg]'}),
    target: Flags.string({
      description: 'code entry: js (plugin.js for the shared engine) or wasm (self-contained plugin.wasm)',
      options: ['js', 'wasm'],
      default: 'js',
    }),
  }

  async run(): Promise<PackageResultJson> {
    const {args, flags} = await this.parse(Package)
    // register() runs once in this process: V8's lazy wasm tiering compiles the engine in ~0.2 s
    // instead of ~1.5 s for the optimized code a long-running host wants.
    process.env.OWNCAST_PLUGIN_WASM_TIERING ??= 'lazy'
    // archiver, esbuild and the engine load only when packaging
    const {packagePlugin} = await import('../lib/package/write.js')
    const result = await packagePlugin(this.ctx, {
      dir: args.dir,
      target: flags.target as 'js' | 'wasm',
      ...(flags.out === undefined ? {} : {out: flags.out}),
    })
    if (!this.jsonEnabled()) {
      const buildWarnings = result.built?.warnings ?? []
      this.ctx.stderr.write(renderWarnings([...buildWarnings.filter((w) => !w.file?.endsWith('plugin.manifest.json')), ...result.warnings], {color: this.ctx.color}))
      this.ctx.stdout.write(renderPackageResult(result, {color: this.ctx.color && Boolean(this.ctx.stdout.isTTY)}))
    }
    return packageResultToJson(result)
  }
}
