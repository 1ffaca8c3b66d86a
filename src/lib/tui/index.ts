// The simulator's terminal UI (Ink): renderSimulator mounts it; createTuiSession wires the
// same app without a terminal (tests); runInteractive is `simulate` on a TTY.

export { renderSimulator, type RenderSimulatorOptions } from './render.js';
export { runInteractive, type InteractiveRunOptions } from './run.js';
export { createTuiSession, type TuiSession } from './session.js';
export { SimStore, type ChatItem, type FeedLine, type ViewState } from './store.js';
export type { SimControls } from './App.js';
