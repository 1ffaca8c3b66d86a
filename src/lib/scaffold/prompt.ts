import {createInterface} from 'node:readline'
import {UserError} from '../errors.js'
import {parseProjectName} from './names.js'
import {DEFAULT_TEMPLATE, TEMPLATE_NAMES, TEMPLATE_SUMMARIES, type TemplateName, isTemplateName} from './templates.js'

/** The streams a prompt talks over: a terminal's stdin and where the questions go. */
export interface PromptStreams {
  input: NodeJS.ReadableStream & {isTTY?: boolean}
  output: NodeJS.WritableStream & {isTTY?: boolean}
}

/** Prompts only on a terminal: both stdin and stdout must be TTYs (never in CI or a pipe). */
export function canPrompt(streams: {input: {isTTY?: boolean}; output: {isTTY?: boolean}}): boolean {
  return Boolean(streams.input.isTTY) && Boolean(streams.output.isTTY)
}

/** `new`'s questions, asked over one line reader so that answers typed ahead are kept. */
export interface Prompter {
  /** The plugin's name (its slug and directory). */
  name(): Promise<string>
  /** Which template: a numbered list, Enter for the default. */
  template(): Promise<TemplateName>
  close(): void
}

export function createPrompter(streams: PromptStreams): Prompter {
  const rl = createInterface({input: streams.input, output: streams.output, terminal: Boolean(streams.output.isTTY)})
  const typedAhead: string[] = []
  let waiting: ((line: string | undefined) => void) | undefined
  let ended: 'closed' | 'interrupted' | undefined
  const answer = (line: string | undefined) => {
    const resolve = waiting
    waiting = undefined
    resolve?.(line)
  }
  rl.on('line', (line) => (waiting ? answer(line) : typedAhead.push(line)))
  rl.on('close', () => {
    ended ??= 'closed'
    answer(undefined)
  })
  // Ctrl-C at a question: readline would only pause the input; stop instead, having written nothing.
  rl.on('SIGINT', () => {
    ended = 'interrupted'
    rl.close()
  })

  const nextLine = (question: string): Promise<string | undefined> => {
    rl.setPrompt(question)
    rl.prompt()
    if (typedAhead.length > 0) return Promise.resolve(typedAhead.shift())
    if (ended) return Promise.resolve(undefined)
    return new Promise((resolve) => (waiting = resolve))
  }

  /** Asks until `parse` accepts the answer; it returns the value, or what to say before asking again. */
  async function ask<T>(question: string, parse: (line: string) => {value: T} | {retry: string}): Promise<T> {
    for (;;) {
      const line = await nextLine(question)
      if (line === undefined) {
        throw ended === 'interrupted'
          ? new UserError('Cancelled: nothing was written', {code: 'CANCELLED'})
          : new UserError('No answer: the input ended', {code: 'PROMPT_CLOSED', nextSteps: ['Give the name and --template on the command line; see --help']})
      }
      const parsed = parse(line.trim())
      if ('value' in parsed) return parsed.value
      streams.output.write(`${parsed.retry}\n`)
    }
  }

  return {
    name: () =>
      ask<string>('Plugin name (its directory and slug, e.g. my-bot): ', (line) => {
        if (line === '') return {retry: 'A name is needed.'}
        try {
          parseProjectName(line, process.cwd())
          return {value: line}
        } catch (error) {
          if (!(error instanceof UserError)) throw error
          const suggestion = error.nextSteps[0]?.replace(/^\S+ new /, '')
          return {retry: `${error.message}${suggestion ? `; for example ${suggestion}` : ''}.`}
        }
      }),
    template: () => {
      const width = Math.max(...TEMPLATE_NAMES.map((n) => n.length))
      const list = TEMPLATE_NAMES.map((name, i) => `  ${i + 1}) ${name.padEnd(width)}  ${TEMPLATE_SUMMARIES[name]}`).join('\n')
      streams.output.write(`Which template?\n${list}\n`)
      return ask<TemplateName>(
        `Template [1-${TEMPLATE_NAMES.length}, Enter for ${DEFAULT_TEMPLATE}]: `,
        (line) => {
          if (line === '') return {value: DEFAULT_TEMPLATE}
          const n = Number(line)
          if (Number.isInteger(n) && n >= 1 && n <= TEMPLATE_NAMES.length) return {value: TEMPLATE_NAMES[n - 1]!}
          if (isTemplateName(line)) return {value: line}
          return {retry: `Answer 1 to ${TEMPLATE_NAMES.length}, or one of ${TEMPLATE_NAMES.join(', ')}.`}
        },
      )
    },
    close: () => rl.close(),
  }
}
