import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../lib/cli/base-command.js'
import type {InspectReportJson} from '../lib/cli/render-inspect.js'

export default class Inspect extends BaseCommand {
  static override summary = 'Show what a plugin is and whether the Owncast server would load it.'
  static override description = `Works on an .ocpkg (read with the server's caps: nothing is extracted, nothing inflated past its limit), a plugin.wasm, a plugin .js bundle (with its <name>.manifest.json) or a project directory (its build in dist/). Reports the manifest, the code entry and whether it fits the production engine contract, the permissions declared against the owncast.* calls and handlers the code uses, the subscriptions and commands register() reports when it runs in the sandbox, a wasm's imports and exports by namespace, a package's files with sizes and compression ratios, icon.png and INSTRUCTIONS.md, and sha256 sums.

Exit codes: 0 the server would load it; 1 it would not (or the package is refused by the reader); 2 usage errors or missing files.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> my-plugin.ocpkg',
    '<%= config.bin %> <%= command.id %> dist/plugin.wasm',
    '<%= config.bin %> <%= command.id %> examples/echo-bot',
    '<%= config.bin %> <%= command.id %> my-plugin.ocpkg --json',
  ]

  static override enableJsonFlag = true

  static override args = {
    path: Args.string({description: '.ocpkg, .wasm, .js or project directory', default: '.'}),
  }

  static override flags = {
    register: Flags.boolean({description: 'run register() in the sandbox (--no-register skips it)', default: true, allowNo: true}),
  }

  async run(): Promise<InspectReportJson> {
    const {args, flags} = await this.parse(Inspect)
    // register() runs once in this process: V8's lazy wasm tiering compiles the engine in ~0.2 s
    // instead of ~1.5 s for the optimized code a long-running host wants.
    process.env.OWNCAST_PLUGIN_WASM_TIERING ??= 'lazy'
    // yauzl and the engine load only when inspecting
    const {inspectPath} = await import('../lib/inspect/index.js')
    const {renderInspectReport} = await import('../lib/cli/render-inspect.js')
    const report = await inspectPath(this.ctx, {path: args.path, register: flags.register})
    if (!this.jsonEnabled()) this.ctx.stdout.write(renderInspectReport(report, {color: this.ctx.color && Boolean(this.ctx.stdout.isTTY)}))
    if (!report.valid) process.exitCode = 1
    return report
  }
}
