import {describe, expect, it} from 'vitest'
import {createCaptureStream, createContext, createFakeClock, createLogger} from '../../src/lib/context.js'
import {codeFrame} from '../../src/lib/cli/code-frame.js'
import {formatBytes, formatDuration} from '../../src/lib/cli/format.js'

describe('context', () => {
  it('the logger writes to its stream and drops messages above its level', () => {
    const stream = createCaptureStream()
    const logger = createLogger(stream, 'warn')
    logger.info('progress')
    logger.debug('details')
    logger.warn('careful')
    logger.error('broken')
    expect(stream.text()).toBe('warning: careful\nerror: broken\n')
  })

  it('createContext takes fakes for every dependency', () => {
    const stdout = createCaptureStream()
    const stderr = createCaptureStream()
    const clock = createFakeClock(1000)
    const ctx = createContext({cwd: '/tmp', stdout, stderr, clock, env: {OWNCAST_PLUGIN_LOG: 'debug'}, color: false})
    ctx.logger.debug('hello')
    clock.advance(5)
    expect(ctx.clock.monotonic()).toBe(1005)
    expect(stderr.text()).toBe('debug: hello\n')
    expect(stdout.text()).toBe('')
    expect(ctx.cwd).toBe('/tmp')
  })
})

describe('rendering helpers', () => {
  it('formats sizes and durations', () => {
    expect(formatBytes(812)).toBe('812 B')
    expect(formatBytes(1536)).toBe('1.54 kB')
    expect(formatBytes(2_310_000)).toBe('2.31 MB')
    expect(formatDuration(41.6)).toBe('42 ms')
    expect(formatDuration(1300)).toBe('1.3 s')
  })

  it('draws a code frame with context lines and a caret under the column', () => {
    const source = 'one\ntwo\nthree x\nfour\nfive\nsix\n'
    expect(codeFrame(source, 3, 7, {length: 1})).toBe(
      ['  1 | one', '  2 | two', '> 3 | three x', '    |       ^', '  4 | four', '  5 | five'].join('\n'),
    )
    expect(codeFrame(source, 99, 1)).toBe('')
  })
})
