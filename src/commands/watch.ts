import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../lib/cli/base-command.js'
import {untilInterrupted} from '../lib/cli/interrupt.js'

export default class Watch extends BaseCommand {
  static override summary = 'Rebuild a plugin on every save; with --serve, --simulate or --test, reload it where it runs.'
  static override description = `Builds the project, then watches its sources, plugin.manifest.json, public/ and assets/ (never dist/, node_modules/, .owncast-dev/ or packages) and rebuilds about 100 ms after the last change, reusing esbuild's incremental context: a save costs milliseconds of bundling. Editors' atomic saves (a temp file renamed over the original, unlink then add) are one rebuild. Every build checks what \`build\` checks (the manifest as Owncast validates it, the sandbox rules, the lint engine) and writes dist/plugin.js and its source map. A failed build shows its errors with code frames and keeps the last good build running; the next good one recovers. TypeScript errors from the background type checker are shown beside a build and never hold its reload back.

--serve runs the dev server (as \`serve\`: http://127.0.0.1:<port>, /_dev/chat, the console) in the same process and swaps the plugin for each good build; its KV, SQL and files (.owncast-dev/) are kept. --test runs the project's scenarios (__tests__/*.test.json) after each good build, and again when a scenario file changes. --simulate plays the simulator's stream (the built-in one, or --script) through the plugin, plus any --with plugins, and swaps in each good build while the stream goes on: the terminal UI on a terminal (its log pane shows the builds), text lines otherwise (--plain), or JSON.

A status line on stderr says what is happening (watching, building, built in N ms, error: N problems). With --json, stdout has one JSON object per line for each outcome: {"type":"build","ok":...}, {"type":"reload","to":"serve"|"simulate",...}, {"type":"test",...}, {"type":"typecheck",...}, {"type":"serving","url":...}; with --simulate, the simulator's events as {"type":"simulate","event":{...}}.

Exit codes: 0 stopped with Ctrl-C (or q in the simulator); 2 usage errors, a directory that is not a plugin project, a busy port.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --serve',
    '<%= config.bin %> <%= command.id %> examples/echo-bot --serve --port 9000 --test',
    '<%= config.bin %> <%= command.id %> --simulate --with examples/profanity-filter',
    '<%= config.bin %> <%= command.id %> --simulate --script chat.json --plain --speed 4',
    '<%= config.bin %> <%= command.id %> --json | jq -c \'select(.type == "build")\'',
  ]

  static override enableJsonFlag = true

  static override args = {
    dir: Args.string({description: 'plugin project directory (holds plugin.manifest.json)', default: '.'}),
  }

  static override flags = {
    serve: Flags.boolean({description: 'run the dev server and reload the plugin in it after each good build (state kept)'}),
    port: Flags.integer({char: 'p', description: 'with --serve: port on 127.0.0.1 [default: $PORT, else 8080]', dependsOn: ['serve']}),
    fresh: Flags.boolean({description: 'with --serve: forget stored KV, SQL and files (.owncast-dev) before starting', dependsOn: ['serve']}),
    test: Flags.boolean({description: 'run the scenarios after each good build and when a scenario file changes'}),
    filter: Flags.string({char: 'f', description: 'with --test: only scenarios whose name contains this text; /.../ is a regular expression', dependsOn: ['test']}),
    simulate: Flags.boolean({description: 'play the simulator through the plugin and reload it in the stream after each good build'}),
    with: Flags.string({description: 'with --simulate: another plugin to load beside this one (project, .ocpkg, plugin file or plugins directory; repeatable)', multiple: true, helpValue: 'PATH', dependsOn: ['simulate']}),
    script: Flags.string({description: 'with --simulate: a script file (schemas/simulate-script.schema.json); default the built-in stream', dependsOn: ['simulate']}),
    state: Flags.string({description: 'with --simulate: keep KV, SQL and files in DIR (default: in memory)', helpValue: 'DIR', dependsOn: ['simulate']}),
    speed: Flags.string({description: 'with --simulate: replay speed, e.g. 2 or 0.5 [default: 1]', dependsOn: ['simulate']}),
    plain: Flags.boolean({description: 'with --simulate: print the stream as text lines even on a terminal', dependsOn: ['simulate']}),
    config: Flags.string({description: "with --serve or --simulate: override a plugin's config value: slug.key=value (repeatable)", multiple: true, relationships: [{type: 'some', flags: ['serve', 'simulate']}]}),
    target: Flags.string({description: 'output: js (dist/plugin.js) or wasm (also dist/plugin.wasm, made again by Wizer on each build)', options: ['js', 'wasm'], default: 'js'}),
    imports: Flags.string({description: 'wasm only: import every host function (all) or only those the manifest grants (granted)', options: ['all', 'granted'], default: 'all'}),
    typecheck: Flags.boolean({description: 'type-check TypeScript in the background after each good build', default: true, allowNo: true}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Watch)
    const json = this.jsonEnabled()
    // esbuild, Extism, Ink load only when watching
    const {startWatch} = await import('../lib/watch/run.js')
    const {choosePort} = await import('../lib/devserver/listen.js')
    const simulate = flags.simulate ? await this.simulateOptions(flags, json) : undefined
    const run = await startWatch(this.ctx, {
      dir: args.dir,
      target: flags.target as 'js' | 'wasm',
      imports: flags.imports as 'all' | 'granted',
      json,
      typecheck: flags.typecheck,
      ...(flags.serve ? {serve: {port: choosePort(flags.port, this.ctx.env), fresh: flags.fresh, config: flags.config ?? []}} : {}),
      ...(flags.test ? {test: flags.filter === undefined ? {} : {filter: flags.filter}} : {}),
      ...(simulate ? {simulate} : {}),
    })
    try {
      if (run.server && !json) {
        const {renderServeBanner} = await import('../lib/devserver/banner.js')
        const banner = renderServeBanner(run.server, {color: this.ctx.color && Boolean(this.ctx.stdout.isTTY)})
        // under the simulator's terminal UI, the banner goes to its log pane
        if (simulate?.mode === 'tui') run.print(banner)
        else run.stdout.write(banner)
      }
      await Promise.race([untilInterrupted(), run.quit])
    } finally {
      await run.close()
    }
  }

  private async simulateOptions(flags: {script?: string; state?: string; speed?: string; plain: boolean; with?: string[]; config?: string[]}, json: boolean) {
    const {parseSpeed, prepareStateDir} = await import('../lib/simulate/options.js')
    const {loadScript} = await import('../lib/simulate/run.js')
    const speed = flags.speed === undefined ? 1 : parseSpeed(flags.speed)
    const interactive = !json && !flags.plain && Boolean(process.stdout.isTTY) && Boolean(process.stdin.isTTY)
    return {
      script: await loadScript(this.ctx, flags.script),
      with: flags.with ?? [],
      config: flags.config ?? [],
      ...(flags.state === undefined ? {} : {stateDir: await prepareStateDir(this.ctx.cwd, flags.state)}),
      speed,
      mode: (json ? 'json' : interactive ? 'tui' : 'plain') as 'json' | 'tui' | 'plain',
    }
  }
}
