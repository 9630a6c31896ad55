/** Requests the user can make at any step of any conversation. */
export type Interruption = 'help' | 'cancel' | 'startOver' | 'person';

const PATTERNS: readonly [Interruption, RegExp][] = [
  ['cancel', /^(cancel|stop|quit|exit|never ?mind|forget it|abort)$/],
  ['startOver', /^(start (over|again)|restart|main menu|menu|back to (the )?(start|menu)|reset)$/],
  ['help', /^(help|help me|\?|what can you do|options)$/],
  [
    'person',
    /^(agent|human|person|operator|someone|a person|a human)$|\b(talk|speak|chat)( to| with)? (a |an |the |real |some )*(person|human|agent|someone|somebody|operator|helpdesk|help desk)\b|\b(real|live) (person|human|agent)\b/,
  ],
];

/** Normalises an utterance for keyword matching: lower case, no surrounding punctuation or spaces. */
export function normalise(text: string | undefined): string {
  return (text ?? '')
    .toLowerCase()
    .replace(/[’']/g, "'")
    .replace(/^[\s.!?,;:]+|[\s.!?,;:]+$/g, '')
    .replace(/\s+/g, ' ');
}

/** Classifies an utterance as one of the global interruptions, or `undefined` for anything else. */
export function detectInterruption(text: string | undefined): Interruption | undefined {
  const t = normalise(text);
  if (!t) return undefined;
  for (const [kind, pattern] of PATTERNS) {
    if (pattern.test(t)) return kind;
  }
  return undefined;
}
