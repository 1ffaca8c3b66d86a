// watch (issue 6 item 2, issue 7 item 5): a plugin project rebuilt incrementally on every
// save and handed, when it builds, to the dev server, the simulator and the scenario runner.
// `owncast-plugin watch` is a thin command over startWatch; serve --watch uses ProjectWatch.

export { watchChanges, type ChangeBatch, type ChangeWatcher, type ChangeWatcherOptions } from './changes.js';
export { problemCount, watchEventJson, type ReloadTarget, type WatchEvent } from './events.js';
export { IncrementalBuild, type IncrementalBuildOptions } from './incremental.js';
export { DEFAULT_DEBOUNCE_MS, ProjectWatch, type GoodBuild, type ProjectWatchOptions, type WatchConsumer } from './project.js';
export { MANIFEST_FILE, projectFileKind, skipsDir, type ProjectFileKind } from './project-files.js';
export { createWatchRenderer, type WatchRendererOptions } from './render.js';
export { startWatch, type WatchRun, type WatchRunOptions } from './run.js';
export { logScreen, terminalScreen, type WatchScreen } from './screen.js';
export { ServeConsumer, type WatchServeOptions } from './serve.js';
export { SimulateConsumer, type WatchSimulateOptions } from './simulate.js';
export { TestConsumer, type WatchTestOptions } from './tests.js';
export { openBackgroundTypecheck, type BackgroundTypecheck } from './typecheck.js';
