/** A viewer in the demo's chat (the `user` of a chat message). */
export interface DemoViewer {
  id: string
  displayName: string
  isBot?: boolean
}

/** One scripted chat message: who says what, and when (milliseconds into the stream). */
export interface ScriptedMessage {
  atMs: number
  user: DemoViewer
  body: string
}

const alice: DemoViewer = {id: 'u-alice', displayName: 'alice'}
const bob: DemoViewer = {id: 'u-bob', displayName: 'bob'}
const carol: DemoViewer = {id: 'u-carol', displayName: 'carol'}
const dave: DemoViewer = {id: 'u-dave', displayName: 'dave'}
const helperBot: DemoViewer = {id: 'u-helper-bot', displayName: 'helper-bot', isBot: true}

/**
 * The demo's chat stream, written for the two examples: clean messages, `!echo` requests (one
 * empty), banned words in lower and mixed case (masked, also inside an echo request), words that
 * merely contain a banned word (left alone), a bot asking for an echo (ignored) and one viewer
 * shouting a banned word in capitals (dropped, so the echo bot never sees it).
 */
export const DEMO_CHAT: readonly ScriptedMessage[] = [
  {atMs: 0, user: alice, body: 'hello everyone!'},
  {atMs: 2000, user: bob, body: '!echo hi chat'},
  {atMs: 4000, user: carol, body: 'what the heck is going on'},
  {atMs: 6500, user: alice, body: '!echo this darn stream rocks'},
  {atMs: 9000, user: dave, body: 'Darn, Blast it, the stream froze'},
  {atMs: 11_000, user: bob, body: 'that heckler got darned quiet'},
  {atMs: 13_000, user: carol, body: '!echo'},
  {atMs: 15_500, user: helperBot, body: '!echo beep boop'},
  {atMs: 18_000, user: dave, body: '!echo what the HECK'},
  {atMs: 21_000, user: alice, body: "it's back, nice"},
  {atMs: 24_000, user: bob, body: '!echo frick, that was close'},
  {atMs: 27_000, user: carol, body: 'bye all, great stream'},
]

/** The `chat.message.received` payload of a scripted message (production's shape). */
export function chatPayload(message: ScriptedMessage, index: number, streamStart: number) {
  return {
    id: `demo-${index + 1}`,
    user: {...message.user},
    body: message.body,
    timestamp: new Date(streamStart + message.atMs).toISOString(),
  }
}
