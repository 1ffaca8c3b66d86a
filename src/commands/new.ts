import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../lib/cli/base-command.js'
import {renderError} from '../lib/cli/render-error.js'
import {UserError} from '../lib/errors.js'
import {createProject} from '../lib/scaffold/create.js'
import {canPrompt, createPrompter} from '../lib/scaffold/prompt.js'
import {createdProjectToJson, renderCreatedProject, type NewProjectJson} from '../lib/scaffold/render.js'
import {DEFAULT_TEMPLATE, TEMPLATE_NAMES, TEMPLATE_SUMMARIES, type TemplateName} from '../lib/scaffold/templates.js'

export default class New extends BaseCommand {
  static override summary = 'Create a plugin project that builds, passes its tests and packages as it is.'
  static override description = `Writes a new directory NAME (its last segment is the plugin's slug: lowercase letters, digits and hyphens, starting with a letter) from a template: plugin.manifest.json, src/plugin.ts (src/plugin.js with --js), scenario tests in __tests__/, tsconfig.json (jsconfig.json) with the SDK's type declarations in types/ so editors resolve @owncast/plugin-sdk before any install, package.json with the owncast-plugin scripts, README.md, INSTRUCTIONS.md for the admin, icon.png, .gitignore and a CI workflow (.github/workflows/test.yml). The manifest and the scenario files name the JSON Schemas this package ships ($schema, resolved from node_modules/owncast-plugin after npm install).

Templates (--template):
${TEMPLATE_NAMES.map((n) => `  ${n.padEnd(10)} ${TEMPLATE_SUMMARIES[n]}`).join('\n')}

Without --template, a terminal asks which one (Enter: ${DEFAULT_TEMPLATE}); without a terminal (a pipe, CI) nothing is asked and ${DEFAULT_TEMPLATE} is used. An existing directory must be empty. Works offline; --install runs npm install in the new directory (a failed install keeps the files).

Exit codes: 0 created; 2 an invalid name, a directory that is not empty, or a failed --install (the project is kept).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> my-bot',
    '<%= config.bin %> <%= command.id %> my-filter --template filter',
    '<%= config.bin %> <%= command.id %> stream-overlay --template overlay --js',
    '<%= config.bin %> <%= command.id %> plugins/go-live --template notifier --install',
    '<%= config.bin %> <%= command.id %> my-bot --json',
  ]

  static override enableJsonFlag = true

  static override args = {
    name: Args.string({description: "the new project's directory; its last segment is the plugin's slug (asked on a terminal when left out)"}),
  }

  static override flags = {
    template: Flags.string({char: 't', description: `the starting code, permissions and tests [default: ${DEFAULT_TEMPLATE}]`, options: [...TEMPLATE_NAMES]}),
    js: Flags.boolean({description: 'write src/plugin.js (JavaScript with JSDoc types) instead of src/plugin.ts', default: false}),
    install: Flags.boolean({description: 'run npm install in the new project', default: false}),
  }

  async run(): Promise<NewProjectJson> {
    const {args, flags} = await this.parse(New)
    const interactive = !this.jsonEnabled() && canPrompt({input: process.stdin, output: process.stdout})
    let name = args.name
    let template = flags.template as TemplateName | undefined
    if (interactive && (name === undefined || template === undefined)) {
      const prompter = createPrompter({input: process.stdin, output: process.stdout})
      try {
        name ??= await prompter.name()
        template ??= await prompter.template()
      } finally {
        prompter.close()
      }
    }
    if (name === undefined) {
      throw new UserError('Missing the plugin name', {code: 'USAGE', nextSteps: [`${this.config.bin} new my-plugin`, `See "${this.config.bin} new --help"`]})
    }

    const project = await createProject(this.ctx, {name, template: template ?? DEFAULT_TEMPLATE, language: flags.js ? 'js' : 'ts', install: flags.install})
    if (!this.jsonEnabled()) this.ctx.stdout.write(renderCreatedProject(project, {color: this.ctx.color && Boolean(this.ctx.stdout.isTTY)}))
    if (project.install && !project.install.ok) {
      process.exitCode = 2
      if (!this.jsonEnabled()) {
        const failure = new UserError(`npm install failed in ${project.displayDir}: ${project.install.error ?? 'unknown error'}. The project is complete; only its dependencies are missing.`, {
          nextSteps: [
            [...project.nextSteps.filter((step) => step.startsWith('cd ')), 'npm install'].join(' && '),
            'Building, testing and packaging work without it when owncast-plugin is installed globally',
          ],
        })
        this.ctx.stderr.write(renderError(failure, {color: this.ctx.color}))
      }
    }
    return createdProjectToJson(project)
  }
}
