export {createProject, projectPackageJson, SDK_TYPES_PATH, type CreateProjectOptions, type CreatedFile, type CreatedProject} from './create.js'
export {runNpmInstall, type InstallResult} from './install.js'
export {humanizeSlug, parseProjectName, suggestSlug, type ProjectName} from './names.js'
export {canPrompt, createPrompter, type Prompter, type PromptStreams} from './prompt.js'
export {createdProjectToJson, renderCreatedProject, type NewProjectJson} from './render.js'
export {
  DEFAULT_TEMPLATE,
  TEMPLATE_NAMES,
  TEMPLATE_SUMMARIES,
  isTemplateName,
  readTemplateTree,
  type Language,
  type TemplateFile,
  type TemplateName,
  type TemplateTree,
} from './templates.js'
