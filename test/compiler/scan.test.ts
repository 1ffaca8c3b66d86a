import {describe, expect, it} from 'vitest'
import {findModuleCalls} from '../../src/lib/compiler/scan.js'

const calls = (code: string) => findModuleCalls(code).map(({callee, literal}) => (literal === undefined ? `${callee}(?)` : `${callee}(${literal})`))

describe('findModuleCalls', () => {
  it('finds require and import() calls with their literal argument', () => {
    expect(calls('var a = require("@owncast/plugin-sdk"); const b = require(\'x\'); import(y); require (z)')).toEqual([
      'require(@owncast/plugin-sdk)',
      'require(x)',
      'import(?)',
      'require(?)',
    ])
  })

  it('ignores strings, comments, template text and regular expressions', () => {
    const code = [
      '"require(\'a\')"; \'import(b)\'; // require("c")',
      '/* import("d") */ const t = `require("e") ${ require("f") } import(g)`;',
      'const r = /require\\(x\\)/g; const q = a / 2 / b; x.require("h"); function require(i) {}',
      'const nested = `${ `${ import("j") }` }`',
    ].join('\n')
    expect(calls(code)).toEqual(['require(f)', 'import(j)'])
  })

  it('reports the offset of the callee', () => {
    const code = 'let x;\n  require(x)'
    expect(findModuleCalls(code)[0]?.offset).toBe(code.indexOf('require'))
  })
})
