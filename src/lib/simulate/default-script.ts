// The built-in stream `simulate` plays when no --script is given: the reference demo's stream
// (reference-plugin-sdk.md §K) grown to exercise the example plugins: profanity masking, a
// slow-mode drop, a failing filter struck five times and auto-disabled, a moderator's
// /announce relayed to another plugin, !ip answered from a canned response, !uptime, a
// countdown on tick, !help, a title change, a clock jump that fires a timer, a part and the
// stream stopping. Its plugins are the examples' directories.

import { join } from 'node:path';

import { parseScript } from './validate.js';
import type { SimScript } from './script.js';

/** The examples the default script is written for, in examples/. */
export const DEFAULT_SCRIPT_PLUGINS = [
  'announcer',
  'buggy-filter',
  'commands-bot',
  'echo-bot',
  'ip-bot',
  'profanity-filter',
  'relay',
  'slow-mode',
  'stream-tracker',
  'timer-bot',
];

/** The default script as a script file would say it (`plugins` relative to examples/). */
export const DEFAULT_SCRIPT_JSON = {
  $schema: '../schemas/simulate-script.schema.json',
  name: 'default',
  description: 'The example plugins on a short live stream.',
  plugins: DEFAULT_SCRIPT_PLUGINS,
  stream: { title: 'Live demo stream', summary: 'PoC chat stream simulation' },
  users: [
    { id: 'u-alice', displayName: 'alice', role: 'viewer' },
    { id: 'u-bob', displayName: 'bob', role: 'viewer' },
    { id: 'u-mia', displayName: 'mia', role: 'moderator' },
  ],
  httpResponses: [{ url: 'https://api.ipify.org*', method: 'GET', status: 200, headers: { 'content-type': 'application/json' }, body: { ip: '203.0.113.42' } }],
  events: [
    { at: '0s', type: 'stream.start' },
    { at: '0s', type: 'join', user: 'alice' },
    { at: '0s', type: 'join', user: 'bob' },
    { at: '500ms', type: 'join', user: 'mia' },
    { at: '1s', type: 'chat', user: 'alice', body: 'hello world' },
    { at: '2s', type: 'chat', user: 'bob', body: 'what the heck, this is great' },
    { at: '2.5s', type: 'chat', user: 'alice', body: 'going great!' },
    { at: '4s', type: 'chat', user: 'alice', body: '!echo darn good content' },
    { at: '6s', type: 'chat', user: 'bob', body: 'boom! the intro music' },
    { at: '6.5s', type: 'chat', user: 'mia', body: 'BOOM indeed' },
    { at: '7s', type: 'chat', user: 'alice', body: 'boom boom' },
    { at: '7.5s', type: 'chat', user: 'bob', body: 'boom again' },
    { at: '8s', type: 'chat', user: 'mia', body: 'ok, last boom' },
    { at: '9s', type: 'chat', user: 'alice', body: 'phew, the buggy filter gave up' },
    { at: '10s', type: 'chat', user: 'mia', body: '/announce stream is live' },
    { at: '11s', type: 'chat', user: 'bob', body: '!ip' },
    { at: '12s', type: 'chat', user: 'alice', body: '!uptime' },
    { at: '13s', type: 'chat', user: 'mia', body: '!countdown 3' },
    { at: '15s', type: 'chat', user: 'alice', body: '!hug bob' },
    { at: '17s', type: 'chat', user: 'bob', body: '!help' },
    { at: '18s', type: 'title', title: 'Live demo stream, Q&A' },
    { at: '19s', type: 'clock', advance: '15m' },
    { at: '20s', type: 'part', user: 'bob' },
    { at: '21s', type: 'stream.stop' },
  ],
};

/** The default script, validated like any script file (its plugins resolved in `examplesDir`). */
export function defaultScript(examplesDir: string): SimScript {
  const script = parseScript(JSON.stringify(DEFAULT_SCRIPT_JSON, null, 2), join(examplesDir, 'default.simulate.json'));
  const { file: _file, ...rest } = script;
  return rest;
}
