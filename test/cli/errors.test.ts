import {describe, expect, it} from 'vitest'
import {renderError, renderWarnings} from '../../src/lib/cli/render-error.js'
import {BugError, PluginError, UserError, errorToJson, toKnownError} from '../../src/lib/errors.js'

describe('error taxonomy', () => {
  it('UserError defaults to exit 2 and carries next steps and diagnostics', () => {
    const err = new UserError('No plugin source found', {nextSteps: ['Create src/plugin.ts']})
    expect(err.exitCode).toBe(2)
    expect(err.kind).toBe('user')
    expect(err.nextSteps).toEqual(['Create src/plugin.ts'])
    expect(err.diagnostics).toEqual([])
  })

  it('failures found by a command use exit 1', () => {
    expect(new UserError('Build failed', {exitCode: 1}).exitCode).toBe(1)
  })

  it('PluginError names the plugin and the export', () => {
    const err = new PluginError('TypeError: x is undefined', {slug: 'echo-bot', exportName: 'on_event', pluginStack: 'at onChatMessage (src/plugin.ts:3:5)'})
    expect(err.exitCode).toBe(1)
    expect(renderError(err)).toBe(
      '✖ Plugin "echo-bot" failed in on_event: TypeError: x is undefined\n  at onChatMessage (src/plugin.ts:3:5)\n',
    )
    expect(errorToJson(err)).toEqual({
      error: {type: 'plugin', message: 'TypeError: x is undefined', exitCode: 1, slug: 'echo-bot', export: 'on_event', nextSteps: [], stack: 'at onChatMessage (src/plugin.ts:3:5)'},
    })
  })

  it('anything else becomes a BugError that keeps the original stack', () => {
    const original = new TypeError('boom')
    const known = toKnownError(original)
    expect(known).toBeInstanceOf(BugError)
    expect(known.message).toBe('boom')
    expect(known.stack).toBe(original.stack)
    expect(renderError(original)).toMatch(/^✖ Unexpected error \(a bug in owncast-plugin\): boom\n/)
    expect(toKnownError('text').message).toBe('non-error value thrown: text')
  })

  it('renders a user error with located diagnostics, a code frame and next steps', () => {
    const err = new UserError('Build failed with 1 error', {
      exitCode: 1,
      diagnostics: [{text: 'Unexpected ";"', file: 'plugin.js', line: 1, column: 11, frame: '> 1 | const x = ;\n    |           ^', notes: ['a note']}],
      nextSteps: ['Fix it'],
    })
    expect(renderError(err)).toBe(
      [
        '✖ Build failed with 1 error',
        '',
        'plugin.js:1:11: Unexpected ";"',
        '  > 1 | const x = ;',
        '      |           ^',
        '  a note',
        '',
        'Next steps:',
        '  • Fix it',
        '',
      ].join('\n'),
    )
    expect(errorToJson(err).error).toMatchObject({type: 'user', exitCode: 1, nextSteps: ['Fix it'], diagnostics: [{file: 'plugin.js', line: 1, column: 11}]})
  })

  it('renders warnings with their location and JSON pointer, without frames', () => {
    expect(renderWarnings([{text: 'unknown permission', file: 'plugin.manifest.json', line: 3, column: 5, pointer: '/permissions/0', frame: 'x'}])).toBe(
      'warning: plugin.manifest.json:3:5: unknown permission (at /permissions/0)\n',
    )
    expect(renderWarnings([])).toBe('')
  })
})
