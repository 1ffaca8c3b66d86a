export {
  CHAT_MESSAGE_RECEIVED,
  filterChain,
  notifyTargets,
  runChatPipeline,
  runEventPipeline,
  toCallError,
  type ChatSend,
  type FilterDecision,
  type NotifyOutcome,
  type PipelineOptions,
  type PipelinePlugin,
  type PipelineResult,
  type PluginCallError,
} from './pipeline.js'
export {renderCallError, renderDemoTranscript} from './render.js'
export {
  DEMO_PLUGINS,
  runDemo,
  type DemoMessage,
  type DemoOptions,
  type DemoPluginInfo,
  type DemoSummary,
  type DemoTranscript,
  type PluginLog,
} from './run.js'
export {DEMO_CHAT, chatPayload, type DemoViewer, type ScriptedMessage} from './script.js'
