export type * from './types.js';
export {
  authSinkIn,
  clampSessionTtl,
  currentAuthSink,
  newSessionSecret,
  SESSION_TTL_DEFAULT,
  SESSION_TTL_MAX,
  signSessionToken,
  verifySessionToken,
  type AuthSessionSink,
  type AuthSinkCarrier,
} from './auth.js';
export { createRecordingEnv, type FailingCall, type RecordedCall, type RecordingEnv, type RecordingEnvOptions } from './recording.js';
export { observeEnv } from './observed.js';
export { createDevEnv, type DevEnv, type DevEnvOptions, type DevUpload } from './dev.js';
export { applyVideoConfigUpdate, createWorld, emptyWorld, sampleWorld, type EnvSeed, type EnvWorld } from './world.js';
