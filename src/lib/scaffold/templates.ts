import {readdir} from 'node:fs/promises'
import path from 'node:path'
import {BugError} from '../errors.js'

/** The templates of `new --template`, in the order the interactive prompt lists them. */
export const TEMPLATE_NAMES = ['chat-bot', 'filter', 'overlay', 'commands', 'notifier'] as const

export type TemplateName = (typeof TEMPLATE_NAMES)[number]

export const DEFAULT_TEMPLATE: TemplateName = 'chat-bot'

/** One line per template, for `--help` and the prompt. */
export const TEMPLATE_SUMMARIES: Record<TemplateName, string> = {
  'chat-bot': 'welcomes each viewer in chat, once per stream',
  filter: "masks blocked words, holds back viewers' links",
  overlay: 'an OBS overlay page, updated live over SSE',
  commands: "!hello, !roll, !links and the moderators' !so",
  notifier: 'go-live news in chat, on Discord, by browser push',
}

export function isTemplateName(value: string): value is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(value)
}

export type Language = 'ts' | 'js'

/** A file of the template tree and where it goes in the project. */
export interface TemplateFile {
  /** Absolute path in `templates/`. */
  source: string
  /** Project-relative path with forward slashes, e.g. `.github/workflows/test.yml`. */
  target: string
}

export interface TemplateTree {
  files: TemplateFile[]
  /** Fragments (`_name.md`) by name without the underscore and extension: `about`. */
  fragments: Map<string, string>
}

/** `dot-gitignore` → `.gitignore` (npm does not publish `.gitignore` files). */
const targetName = (name: string) => (name.startsWith('dot-') ? `.${name.slice(4)}` : name)

/** Whether a template file belongs to the language's variant of the project. */
function inVariant(target: string, language: Language): boolean {
  if (target === 'tsconfig.json') return language === 'ts'
  if (target === 'jsconfig.json') return language === 'js'
  if (target.startsWith('src/') && /\.[cm]?ts$/.test(target)) return language === 'ts'
  if (target.startsWith('src/') && /\.[cm]?js$/.test(target)) return language === 'js'
  return true
}

async function walk(dir: string, rel = ''): Promise<{abs: string; rel: string; name: string}[]> {
  const entries = await readdir(dir, {withFileTypes: true})
  const out: {abs: string; rel: string; name: string}[] = []
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const abs = path.join(dir, e.name)
    const relName = rel === '' ? targetName(e.name) : `${rel}/${targetName(e.name)}`
    if (e.isDirectory()) out.push(...(await walk(abs, relName)))
    else if (e.isFile()) out.push({abs, rel: relName, name: e.name})
  }
  return out
}

/**
 * The files of `common/` and `<template>/` for one language, the template's replacing common
 * files of the same path, sorted by target path; fragments at the template's top level apart.
 */
export async function readTemplateTree(templatesDir: string, template: TemplateName, language: Language): Promise<TemplateTree> {
  const byTarget = new Map<string, TemplateFile>()
  const fragments = new Map<string, string>()
  for (const layer of ['common', template]) {
    let files
    try {
      files = await walk(path.join(templatesDir, layer))
    } catch (error) {
      throw new BugError(`the "${layer}" template is missing from ${templatesDir}: the installation is incomplete`, {cause: error})
    }
    for (const f of files) {
      if (f.name.startsWith('_')) {
        if (!f.rel.includes('/')) fragments.set(f.name.slice(1).replace(/\.[^.]*$/, ''), f.abs)
        continue
      }
      if (inVariant(f.rel, language)) byTarget.set(f.rel, {source: f.abs, target: f.rel})
    }
  }
  const files = [...byTarget.values()].sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0))
  return {files, fragments}
}
