import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../lib/cli/base-command.js'
import {untilInterrupted} from '../lib/cli/interrupt.js'
import {renderError, renderWarnings} from '../lib/cli/render-error.js'

const REPORTERS = ['pretty', 'json', 'junit', 'tap']

export default class Test extends BaseCommand {
  static override summary = "Run plugins' scenario tests (__tests__/*.test.json)."
  static override description = `Runs every scenario of each project's __tests__/*.test.json files (the reference SDK's format, plus command, advance and emit steps and more given/expect keys; see schemas/scenario.schema.json), each on a fresh host whose Owncast services are a recording fake. A project whose sources are newer than dist/ is built first.

Reporters: pretty (a coloured diff of expected vs actual for each failure, per-scenario time and peak memory), json, junit, tap. Results go to stdout, progress and warnings to stderr; the last line is "N passed, N failed".

Exit codes: 0 every scenario passed; 1 a scenario failed; 2 setup errors (a missing directory, an invalid scenario file, a failed build).`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> examples/echo-bot examples/profanity-filter',
    '<%= config.bin %> <%= command.id %> --filter greets --bail',
    '<%= config.bin %> <%= command.id %> --reporter junit > junit.xml',
    '<%= config.bin %> <%= command.id %> --watch',
  ]

  static override strict = false
  static override enableJsonFlag = true

  static override args = {
    dirs: Args.string({description: 'plugin project directories (or single .test.json files); several allowed', default: '.'}),
  }

  static override flags = {
    reporter: Flags.string({char: 'r', description: 'output format', options: REPORTERS, default: 'pretty'}),
    filter: Flags.string({char: 'f', description: 'only scenarios whose name contains this text (case-insensitive); /.../ is a regular expression'}),
    watch: Flags.boolean({char: 'w', description: 'run again whenever a project or its scenarios change (Ctrl-C to stop)'}),
    bail: Flags.boolean({char: 'b', description: 'stop at the first failing scenario'}),
  }

  async run(): Promise<unknown> {
    const {argv, flags} = await this.parse(Test)
    // A one-shot run is over in about a second: compiling the engine with V8's baseline tier
    // (Liftoff, every function up front; hot ones optimized later) takes ~50 ms instead of the
    // ~0.7 s of the optimizing compile only a long-running host (--watch, serve) repays, and
    // first calls stay well inside their budgets (bench/test-runner.bench.ts measures both).
    if (!flags.watch) process.env.OWNCAST_PLUGIN_WASM_TIERING ??= 'liftoff'
    const {runTests, watchTests, PrettyReporter, renderJson, renderJunit, renderTap, renderSummary} = await import('../lib/testing/index.js')
    type Run = Awaited<ReturnType<typeof runTests>>
    const reporter = this.jsonEnabled() ? 'json' : flags.reporter
    const color = this.ctx.color && Boolean(this.ctx.stdout.isTTY)
    const options = {paths: argv as string[], filter: flags.filter, bail: flags.bail}

    // pretty streams each scenario as it finishes; the others print the whole run at the end
    let pretty = new PrettyReporter({color})
    const onScenario = (result: Parameters<typeof pretty.scenario>[0]) => {
      if (reporter === 'pretty') this.ctx.stdout.write(pretty.scenario(result))
    }
    const report = (run: Run) => {
      this.ctx.stderr.write(renderWarnings(run.warnings, {color: this.ctx.color}))
      if (reporter === 'pretty') {
        this.ctx.stdout.write(pretty.summary(run))
        return
      }
      if (reporter === 'junit') this.ctx.stdout.write(renderJunit(run))
      if (reporter === 'tap') this.ctx.stdout.write(renderTap(run))
      if (reporter === 'json' && !this.jsonEnabled()) this.ctx.stdout.write(renderJson(run))
      // the closing line, where it cannot break the machine-readable output
      if (reporter !== 'tap') this.ctx.stderr.write(renderSummary(run).trimStart())
    }

    if (flags.watch) {
      const watcher = await watchTests(this.ctx, {
        ...options,
        onScenario,
        onRunStart: (changed) => {
          pretty = new PrettyReporter({color})
          if (changed.length > 0) this.ctx.stderr.write(`\nchanged: ${changed.join(', ')}; running again\n`)
        },
        onRun: (outcome) => {
          if (outcome.ok) {
            if (reporter === 'json') this.ctx.stdout.write(renderJson(outcome.result))
            report(outcome.result)
          } else {
            // a setup error (a file mid-edit, a failing build) is shown and the watch goes on
            this.ctx.stderr.write(renderError(outcome.error, {color: this.ctx.color}))
          }
          this.ctx.stderr.write('watching for changes (Ctrl-C to stop)\n')
        },
      })
      await watcher.ready
      await untilInterrupted()
      await watcher.close()
      return undefined
    }

    const run = await runTests(this.ctx, {...options, onScenario})
    report(run)
    if (!run.ok) process.exitCode = 1
    // with --json, oclif prints what run() returns
    return this.jsonEnabled() ? JSON.parse(renderJson(run)) : undefined
  }
}
