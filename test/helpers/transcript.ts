import type { Activity } from 'botbuilder';
import type { DialogTestClient } from 'botbuilder-testing';

/** What one bot reply must look like: exact text, a pattern, or a check of its own. */
export type Expectation = string | RegExp | ((reply: Partial<Activity>) => void);

/** One exchange: what the user says (text or a whole activity) and every reply the bot sends, in order. */
export type Turn = [userSays: string | Partial<Activity>, botReplies: Expectation | Expectation[]];

/** Checks one reply; every reply must carry both `text` and `speak`. */
export function expectReply(reply: Partial<Activity> | undefined, expected: Expectation): void {
  expect(reply).toBeDefined();
  if (!reply) return;
  expect(typeof reply.speak).toBe('string');
  expect(reply.speak?.length).toBeGreaterThan(0);
  if (typeof expected === 'string') expect(reply.text).toBe(expected);
  else if (expected instanceof RegExp) expect(reply.text).toMatch(expected);
  else expected(reply);
}

/**
 * Plays a transcript against a dialog: each turn's replies must match in order, and no
 * further reply may follow.
 */
export async function playTranscript(client: DialogTestClient, turns: readonly Turn[]): Promise<Partial<Activity>[]> {
  const all: Partial<Activity>[] = [];
  for (const [userSays, botReplies] of turns) {
    let reply: Partial<Activity> | undefined = await client.sendActivity(userSays);
    const expectations = Array.isArray(botReplies) ? botReplies : [botReplies];
    for (const expected of expectations) {
      try {
        expectReply(reply, expected);
      } catch (err) {
        throw new Error(`After "${typeof userSays === 'string' ? userSays : JSON.stringify(userSays.value ?? userSays.text)}": ${(err as Error).message}\nReply was: ${reply?.text}`);
      }
      if (reply) all.push(reply);
      reply = client.getNextReply();
    }
    if (reply) throw new Error(`After "${typeof userSays === 'string' ? userSays : 'activity'}": unexpected extra reply "${reply.text}"`);
  }
  return all;
}

/** The suggested action titles of a reply. */
export function suggestionTitles(reply: Partial<Activity>): string[] {
  return (reply.suggestedActions?.actions ?? []).map((a) => a.title ?? '');
}

/** Several expectations about the same reply. */
export function both(...expectations: Expectation[]): Expectation {
  return (reply) => expectations.forEach((e) => expectReply(reply, e));
}
