// new's questions over plain streams: answers, retries, typed-ahead lines and the end of input.
import {PassThrough} from 'node:stream'
import {describe, expect, it} from 'vitest'
import {UserError} from '../../src/lib/errors.js'
import {canPrompt, createPrompter} from '../../src/lib/scaffold/prompt.js'

function streams() {
  const input = new PassThrough()
  const output = new PassThrough()
  let shown = ''
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()))
  return {input, output, shown: () => shown}
}

describe('the prompts of new', () => {
  it('only on a terminal: stdin and stdout both TTYs', () => {
    expect(canPrompt({input: {isTTY: true}, output: {isTTY: true}})).toBe(true)
    expect(canPrompt({input: {isTTY: true}, output: {isTTY: false}})).toBe(false)
    expect(canPrompt({input: {}, output: {isTTY: true}})).toBe(false)
  })

  it('takes a template by number or name, Enter for chat-bot, and asks again after a wrong answer', async () => {
    const s = streams()
    const prompter = createPrompter(s)
    const answers: string[] = []
    s.input.write('3\n')
    answers.push(await prompter.template())
    s.input.write('\n')
    answers.push(await prompter.template())
    s.input.write('nine\n')
    const next = prompter.template()
    await new Promise((r) => setTimeout(r, 20))
    s.input.write('notifier\n')
    answers.push(await next)
    prompter.close()
    expect(answers).toEqual(['overlay', 'chat-bot', 'notifier'])
    expect(s.shown()).toContain('Which template?\n  1) chat-bot ')
    expect(s.shown()).toContain('  5) notifier ')
    expect(s.shown()).toContain('Answer 1 to 5, or one of chat-bot, filter, overlay, commands, notifier.')
  })

  it('keeps answers typed ahead, and asks again for an invalid name with a suggestion', async () => {
    const s = streams()
    const prompter = createPrompter(s)
    s.input.write('My Bot\nmy-bot\n2\n')
    expect(await prompter.name()).toBe('my-bot')
    expect(await prompter.template()).toBe('filter')
    prompter.close()
    expect(s.shown()).toContain('"My Bot" is not a valid plugin slug')
    expect(s.shown()).toContain('for example my-bot')
  })

  it('is a user error when the input ends', async () => {
    const s = streams()
    const prompter = createPrompter(s)
    const pending = prompter.name()
    s.input.end()
    const error = await pending.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserError)
    expect(error).toMatchObject({code: 'PROMPT_CLOSED', exitCode: 2})
  })
})
