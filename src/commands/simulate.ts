import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../lib/cli/base-command.js'
import {parseSpeed, prepareStateDir} from '../lib/simulate/options.js'

export default class Simulate extends BaseCommand {
  static override summary = 'Replay a chat stream through several plugins at once, live in the terminal.'
  static override description = `Loads the plugins into one host with a simulated Owncast (a stream, viewers, users with scopes, a clock the simulator controls) and plays a script through them: stream events, joins and parts, chat lines, fediverse events, custom emits and clock jumps. On a terminal it shows the chat with each message's path through the filters (passed, modified with the diff, dropped with the reason), bot, private and system messages, an events pane (notifications, emits with their depth, commands, timers), the plugins (strikes, auto-disabled, last error, calls and time) and their log. Keys: space pause/resume, +/- speed, s step, i type a chat line, u choose who you type as (viewer, moderator, anonymous, or the script's cast), r reload the plugins from disk, q quit.

PATH may be a project directory (built into a temporary directory when dist/ is missing or stale), an .ocpkg, a <name>.js or <name>.wasm next to its <name>.manifest.json, or a plugins directory (every plugin in it). Default: the plugins the script names; the built-in script names the example plugins. Plugin fetches are answered from the script's httpResponses, never from the network. KV, SQL and files live in memory unless --state DIR.

When stdout is not a terminal, or with --plain, the stream is printed as text and the command exits at the end of the script; --json prints one JSON event per line. Exit codes: 0 the script ran (plugin failures are part of the stream); 1 no plugin could be loaded; 2 usage errors, a missing file or an invalid script.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --plain',
    '<%= config.bin %> <%= command.id %> examples/echo-bot examples/profanity-filter --script chat.json',
    '<%= config.bin %> <%= command.id %> plugins/ --state .sim-state --config slow-mode.seconds=5',
    '<%= config.bin %> <%= command.id %> --json | jq -c \'select(.type == "message")\'',
  ]

  static override strict = false
  static override enableJsonFlag = true

  static override args = {
    path: Args.string({description: 'project directory, .ocpkg, plugin file or plugins directory (several allowed)'}),
  }

  static override flags = {
    script: Flags.string({description: 'a script file (JSON, schemas/simulate-script.schema.json); default the built-in stream'}),
    state: Flags.string({description: 'keep KV, SQL and files in DIR between runs (default: in memory)', helpValue: 'DIR'}),
    config: Flags.string({description: "override a plugin's config value: slug.key=value (repeatable)", multiple: true}),
    plain: Flags.boolean({description: 'print the stream as text lines and exit at the end (the default when stdout is not a terminal)'}),
    'until-end': Flags.boolean({description: 'leave the terminal UI when the script is over'}),
    speed: Flags.string({description: 'replay speed, e.g. 2 or 0.5 (the terminal UI plays at 1; text and JSON run as fast as they can unless given)'}),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Simulate)
    const speed = flags.speed === undefined ? undefined : parseSpeed(flags.speed)
    // Extism, Ink and React load only when simulating
    const {loadScript, runStream} = await import('../lib/simulate/run.js')
    const script = await loadScript(this.ctx, flags.script)
    const stateDir = flags.state === undefined ? undefined : await prepareStateDir(this.ctx.cwd, flags.state)
    const common = {script, paths: argv as string[], config: flags.config ?? [], ...(stateDir ? {stateDir} : {})}
    const json = this.jsonEnabled()
    const interactive = !json && !flags.plain && Boolean(process.stdout.isTTY) && Boolean(process.stdin.isTTY)
    if (!interactive) {
      await runStream(this.ctx, {...common, format: json ? 'json' : 'plain', ...(speed === undefined ? {} : {speed})})
      return
    }
    const {runInteractive} = await import('../lib/tui/run.js')
    await runInteractive(this.ctx, {...common, ...(speed === undefined ? {} : {speed}), untilEnd: flags['until-end']})
  }
}

