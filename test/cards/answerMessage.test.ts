import type { Attachment } from 'botbuilder';
import { answerMessage, fallbackMessage, feedbackMessage, toPlainText } from '../../dialogs/answerMessage';
import { loadKnowledgeBase, lookupEntry } from '../../src/knowledge/knowledgeBase';
import { actionsOf, adaptiveCardIssues } from './adaptiveCardsSdk';

const entries = loadKnowledgeBase();
const lookup = (id: string) => lookupEntry(id, entries);
const cardOf = (activity: { attachments?: Attachment[] }) => activity.attachments?.[0]?.content as Record<string, unknown>;

describe('answerMessage', () => {
  it.each(entries.map((e) => [e.id, e] as const))('renders %s as text, speech and a valid card that alone offers the follow-ups', (_id, entry) => {
    const activity = answerMessage(entry, lookup);
    expect(activity.type).toBe('message');
    expect(activity.text).toBe(entry.answer);
    expect(activity.speak).toBe(entry.speech);
    const card = cardOf(activity);
    expect(adaptiveCardIssues(card)).toEqual([]);
    expect(card.speak).toBe(entry.speech);
    expect(String(card.fallbackText)).not.toContain('**');
    const followUpTopics = (entry.followUps ?? []).map((id) => lookup(id)?.topic);
    expect(activity.suggestedActions).toBeUndefined();
    const followUpButtons = actionsOf(card).filter((a) => (a.data as { verb?: unknown } | undefined)?.verb === 'followup');
    expect(followUpButtons.map((a) => a.title)).toEqual(followUpTopics);
    const submits = actionsOf(card).filter((a) => a.type === 'Action.Submit');
    for (const a of submits) expect((a.data as { verb?: unknown }).verb).toEqual(expect.any(String));
    expect(submits.some((a) => (a.data as { verb: string }).verb === 'start_dialog')).toBe(entry.dialog !== undefined);
  });

  it('gives each answer a card of its own: the same entry answered again is equal, never shared', () => {
    const entry = entries.find((e) => (e.followUps ?? []).length > 0) ?? entries[0];
    const first = answerMessage(entry, lookup);
    const card = cardOf(first);
    card.title = 'changed by a consumer';
    (card.body as unknown[]).length = 0;
    const second = answerMessage(entry, lookup);
    expect(cardOf(second)).not.toBe(card);
    expect(cardOf(second)).toEqual(cardOf(answerMessage(entry, (id) => lookupEntry(id, entries))));
    expect((cardOf(second).body as unknown[]).length).toBeGreaterThan(0);
  });

  it('shapes the card by the answer given: a different text changes the fallback, the speech the card’s speech', () => {
    const entry = entries[0];
    const own = cardOf(answerMessage(entry, lookup));
    const shaped = cardOf(answerMessage(entry, lookup, { text: `Lead case.\n\n${entry.answer}`, speech: `Lead case. ${entry.speech}` }));
    expect(String(shaped.fallbackText)).toContain('Lead case.');
    expect(shaped.speak).toBe(`Lead case. ${entry.speech}`);
    expect(String(own.fallbackText)).not.toContain('Lead case.');
  });
});

describe('feedbackMessage', () => {
  it('asks once: the question as text, Yes and No as its only choices, no card', () => {
    const activity = feedbackMessage();
    expect(activity.text).toBe('Did this answer help?');
    expect(activity.speak).toBe('Did this answer help? Press 1 or say Yes. Press 2 or say No.');
    expect(activity.suggestedActions?.actions.map((a) => a.title)).toEqual(['Yes', 'No']);
    expect(activity.attachments).toBeUndefined();
  });
});

describe('fallbackMessage', () => {
  const suggestions = ['core_methods', 'lost_phone', 'contact_helpdesk'].map((id) => {
    const e = lookup(id);
    if (!e) throw new Error(id);
    return e;
  });

  it('offers the suggestions once, as choices, and reads them out', () => {
    const activity = fallbackMessage({ kind: 'unknown', suggestions });
    expect(activity.text).toBe("Sorry, I'm not sure what you mean. Is your question about one of these?");
    expect(activity.speak).toContain('Press 2 or say Lost or stolen phone.');
    expect(activity.suggestedActions?.actions.map((a) => a.value)).toEqual(suggestions.map((e) => e.topic));
  });

  it('says when a question is outside MFA', () => {
    expect(fallbackMessage({ kind: 'out_of_scope', suggestions }).text).toContain('only help with questions about multi-factor authentication');
  });

  it('replies to small talk', () => {
    const activity = fallbackMessage({ kind: 'smalltalk', intent: 'thanks', reply: 'You are welcome.', speech: 'You are welcome.', score: 1 });
    expect(activity.text).toBe('You are welcome.');
    expect(activity.speak).toBe('You are welcome.');
  });
});

describe('toPlainText', () => {
  it('drops emphasis and keeps link targets', () => {
    expect(toPlainText('**Bold** and *it* and [here](https://x.test)')).toBe('Bold and it and here (https://x.test)');
  });
});
