import {existsSync, readdirSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {ROOT} from '../cli/helpers.js'
import {typeCheckProject} from '../helpers/tsc.js'

// Every example with a tsconfig.json, checked as its author would (`tsc -p`), in this process
// (test/helpers/tsc.ts shares the parsed lib and SDK declarations across the examples).
const EXAMPLES = path.join(ROOT, 'examples')
const examples = readdirSync(EXAMPLES)
  .filter((name) => existsSync(path.join(EXAMPLES, name, 'tsconfig.json')))
  .sort()

describe('the examples type-check against the SDK declarations (src/lib/sdk/index.d.ts)', () => {
  it('finds the TypeScript examples', () => {
    expect(examples).toEqual(expect.arrayContaining(['echo-bot', 'profanity-filter', 'chat-overlay']))
  })
  for (const example of examples) {
    it(example, () => {
      expect(typeCheckProject(path.join(EXAMPLES, example, 'tsconfig.json')).errors).toBe('')
    })
  }
})
