// Which misbehaviour a chat message asks for, apart from the host API so it can be unit-tested.

/** What a trigger may ask for. */
export type Misbehaviour = 'spin' | 'throw' | 'alloc' | 'huge' | 'recurse' | 'flood' | 'timers'

/** "stress <where> <what>" → the request, or null for every other message (the harmless path). */
export function trigger(body: string): {where: 'filter' | 'notify'; what: Misbehaviour} | null {
  const m = /^stress (filter|notify) (spin|throw|alloc|huge|recurse|flood|timers)$/.exec(body)
  return m ? {where: m[1] as 'filter' | 'notify', what: m[2] as Misbehaviour} : null
}
