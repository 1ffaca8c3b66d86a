// The simulator's engine (issue 7): scripts, the simulated Owncast, the simulation that plays a
// script through one PluginHost on a clock it controls, the real-time player, and the text and
// JSON renderings of its events. The terminal UI is in ../tui.

export { DEFAULT_SCRIPT_JSON, DEFAULT_SCRIPT_PLUGINS, defaultScript } from './default-script.js';
export { diffWords, formatDiff, type DiffPart } from './diff.js';
export { formatClock, formatOffset, parseDuration } from './duration.js';
export { STRIKES_TO_DISABLE, type FilterPathStep, type SimEvent, type SimEventType, type SimPluginInfo, type SimPluginStats } from './events.js';
export { fixtureHttpService, urlGlobMatches, type FetchRecord } from './fixtures.js';
export { parseSpeed, prepareStateDir } from './options.js';
export { chatLine, createPlainRenderer, effectLine, filterText } from './plain.js';
export { Player, SPEEDS, type PlayerOptions, type PlayerState } from './player.js';
export { createStreamPrinter, loadScript, runStream, type StreamRunOptions } from './run.js';
export { TYPING_USERS, userForRole, type HttpFixture, type ScriptEvent, type ScriptStep, type ScriptUser, type SimScript, type UserRole } from './script.js';
export { EventReporter, shortError, type SimEventBody } from './reporter.js';
export { Simulation, type SimulationOptions } from './simulation.js';
export { loadTarget, resolveTargets, type SimTarget } from './sources.js';
export { parseScript } from './validate.js';
export { createSimulatorEnv, scriptWorld, type SimulatorEnv, type WorldEffect } from './world.js';
