import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../lib/cli/base-command.js'
import {lintFailed, lintReportToJson, renderLintHints, renderLintReport, type LintReportJson} from '../lib/cli/render-lint.js'
import {lintPath} from '../lib/manifest/lint-target.js'

export default class LintManifest extends BaseCommand {
  static override summary = "Check plugin.manifest.json against the Owncast server's rules, and more."
  static override description = `Every rule the Owncast server applies when it loads a plugin is an error, with the server's own message. Warnings cover what the server accepts but is probably a mistake: unknown permissions and keys (with a did-you-mean), a version that is not semver, a missing description, files the manifest names that do not exist, and, when the plugin is built (dist/plugin.js), permissions the code never uses, calls and handlers that need a permission the manifest lacks, and events no plugin can receive. With --register the build's register() also runs in the sandbox, for the host's load checks and the version a wasm was built with. Each finding has a rule id, a JSON pointer and line:column.

FILE may be a project directory, a manifest, a loose <name>.js or <name>.wasm beside its <name>.manifest.json (the Owncast server does not discover a loose .js: package it), or an .ocpkg.

Exit codes: 0 no errors (warnings allowed unless --strict); 1 errors, or warnings with --strict; 2 usage errors or missing files.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> examples/echo-bot',
    '<%= config.bin %> <%= command.id %> my-plugin.ocpkg --strict',
    '<%= config.bin %> <%= command.id %> --register',
    '<%= config.bin %> <%= command.id %> plugin.manifest.json --json',
  ]

  static override enableJsonFlag = true

  static override args = {
    file: Args.string({description: 'project directory, manifest file, loose plugin file or .ocpkg', default: '.'}),
  }

  static override flags = {
    strict: Flags.boolean({description: 'treat warnings as failures (exit 1)', default: false}),
    register: Flags.boolean({
      description: "also run the build's register() in the sandbox (loads the engine): exact subscriptions, the host's load checks, the version a wasm was built with",
      default: false,
    }),
  }

  async run(): Promise<LintReportJson> {
    const {args, flags} = await this.parse(LintManifest)
    // register() runs once in this process: lazy wasm tiering compiles the engine fastest
    if (flags.register) process.env.OWNCAST_PLUGIN_WASM_TIERING ??= 'lazy'
    const report = await lintPath(this.ctx, {path: args.file, register: flags.register})
    if (!this.jsonEnabled()) {
      this.ctx.stderr.write(renderLintHints(report))
      this.ctx.stdout.write(renderLintReport(report, {strict: flags.strict, color: this.ctx.color && Boolean(this.ctx.stdout.isTTY)}))
    }
    if (lintFailed(report, flags.strict)) process.exitCode = 1
    return lintReportToJson(report, flags.strict)
  }
}
