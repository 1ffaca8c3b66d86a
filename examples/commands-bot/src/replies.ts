// What the commands say, apart from the host API so it can be unit-tested.

export const QUOTES = [
  'The best way out is always through. (Robert Frost)',
  'Simplicity is prerequisite for reliability. (Edsger W. Dijkstra)',
  'Make it work, make it right, make it fast. (Kent Beck)',
]

export const ANSWERS = ['It is certain.', 'Ask again later.', 'Very doubtful.', 'Without a doubt.', 'Better not tell you now.', 'Signs point to yes.']

/** The same question always gets the same answer (plugins have no trustworthy randomness, and tests like it that way). */
export function answerFor(question: string): string {
  let hash = 0
  for (const ch of question.trim().toLowerCase()) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0
  return ANSWERS[hash % ANSWERS.length]!
}

/** "@bo" or "bo" → "bo"; undefined for nothing. */
export const target = (arg: string | undefined) => (arg ? arg.replace(/^@+/, '') || undefined : undefined)
