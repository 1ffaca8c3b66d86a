// The dispatcher and its parts: filter chain, notifications, commands and !help, emits,
// timers, tick, strikes, content and auth calls.

export { Dispatcher, MAX_EMIT_DEPTH, MAX_EMITS_PER_CHAIN, TICK_INTERVAL_MS } from './dispatcher.js';
export { filterChain } from './chain.js';
export type {
  ChatDispatchReport,
  CommandDelivery,
  DispatchReport,
  DispatcherOptions,
  DispatchOptions,
  EventSink,
  FilterStep,
  NotifyStep,
} from './reports.js';
export { AUTH_FAILED, parseAuthVerdict, type AuthVerdict, type ContentRequest } from './content.js';
export {
  COOLDOWN_SWEEP_INTERVAL_MS,
  CommandCooldowns,
  DEFAULT_COMMAND_PREFIX,
  MODERATOR_SCOPE,
  commandAllowed,
  commandUserKey,
  isModerator,
  matchCommand,
  parseRfc3339Millis,
  type CommandEvent,
  type CommandMessage,
} from './commands.js';
export {
  BUILT_IN_EVENTS,
  CHAT_MESSAGE_RECEIVED,
  INTERNAL_EVENTS,
  TICK,
  isBuiltInEvent,
  isReservedEvent,
  localHookName,
  namespaceSubscriptions,
  resolveScenarioEventType,
  type NamespacedSubscriptions,
} from './events.js';
export { MAX_FILTER_OUTPUT_BYTES } from './filter-result.js';
export { buildHelpMessage, isHelpCommand, type HelpSource } from './help.js';
export { ManualScheduler, realScheduler, type ScheduledTask, type Scheduler } from './scheduler.js';
export { STRIKE_THRESHOLD, StrikeBook, type StrikePath } from './strikes.js';
export {
  MAX_TIMERS_PER_PLUGIN,
  MAX_TIMER_DELAY_MS,
  MIN_TIMER_DELAY_MS,
  TimerHub,
  type TimerHubOptions,
  type TimerService,
} from './timers.js';
