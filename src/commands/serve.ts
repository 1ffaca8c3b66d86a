import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../lib/cli/base-command.js'
import {untilInterrupted} from '../lib/cli/interrupt.js'

export default class Serve extends BaseCommand {
  static override summary = 'Run plugins on a local Owncast stand-in with a web console.'
  static override description = `Serves one or more plugins on http://127.0.0.1:<port>: their routes under /plugins/<slug>/ (public/ files, admin pages, SSE, on_http_request), Owncast's plugin endpoints, a dev API (/_dev/chat, /_dev/event compatible with the reference dev server) and a web console at /. Plugins run in a worker thread, never on the thread serving HTTP; a call that overruns its budget by more than a second ends that thread and the others are loaded again.

PATH may be a project directory (built first when dist/ is missing or older than its sources), an .ocpkg, a <name>.js or <name>.wasm next to its <name>.manifest.json, or a plugins directory (managed like Owncast's: enable plugins from the console). KV, SQL and files persist in .owncast-dev/ (in the project, else the current directory); --fresh starts clean.

Exit codes: 0 stopped with Ctrl-C; 2 usage errors, missing files or a busy port.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> examples/echo-bot examples/profanity-filter',
    '<%= config.bin %> <%= command.id %> my-plugin.ocpkg --port 9000',
    '<%= config.bin %> <%= command.id %> --config greeter.greeting=Hello --fresh',
    '<%= config.bin %> <%= command.id %> --watch',
  ]

  static override strict = false

  static override args = {
    path: Args.string({description: 'project directory, .ocpkg, plugin file or plugins directory (several allowed)', default: '.'}),
  }

  static override flags = {
    port: Flags.integer({char: 'p', description: 'port on 127.0.0.1 [default: $PORT, else 8080]'}),
    fresh: Flags.boolean({description: 'forget stored KV, SQL, files and approvals (.owncast-dev) before starting'}),
    config: Flags.string({description: "override a plugin's config value: slug.key=value (repeatable)", multiple: true}),
    watch: Flags.boolean({char: 'w', description: 'rebuild and reload a project (or plugin file) when it changes; the others keep running'}),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Serve)
    // Extism, esbuild and better-sqlite3 load only when serving
    const {choosePort} = await import('../lib/devserver/listen.js')
    const {startDevServer} = await import('../lib/devserver/server.js')
    const {renderServeBanner} = await import('../lib/devserver/banner.js')
    const server = await startDevServer(this.ctx, {
      paths: argv as string[],
      port: choosePort(flags.port, this.ctx.env),
      fresh: flags.fresh,
      config: flags.config ?? [],
      watch: flags.watch,
    })
    this.ctx.stdout.write(renderServeBanner(server, {color: this.ctx.color && Boolean(this.ctx.stdout.isTTY)}))
    await untilInterrupted()
    this.ctx.stderr.write('stopping…\n')
    await server.close()
  }
}
