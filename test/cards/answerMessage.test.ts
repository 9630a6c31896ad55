import type { Attachment } from 'botbuilder';
import { answerMessage, fallbackMessage, feedbackMessage, toPlainText } from '../../dialogs/answerMessage';
import { loadKnowledgeBase, lookupEntry } from '../../src/knowledge/knowledgeBase';
import { actionsOf, adaptiveCardIssues } from './adaptiveCardsSdk';

const entries = loadKnowledgeBase();
const lookup = (id: string) => lookupEntry(id, entries);
const cardOf = (activity: { attachments?: Attachment[] }) => activity.attachments?.[0]?.content as Record<string, unknown>;

describe('answerMessage', () => {
  it.each(entries.map((e) => [e.id, e] as const))('renders %s as text, speech, a valid card and suggestions', (_id, entry) => {
    const activity = answerMessage(entry, lookup);
    expect(activity.type).toBe('message');
    expect(activity.text).toBe(entry.answer);
    expect(activity.speak).toBe(entry.speech);
    const card = cardOf(activity);
    expect(adaptiveCardIssues(card)).toEqual([]);
    expect(card.speak).toBe(entry.speech);
    expect(String(card.fallbackText)).not.toContain('**');
    const followUpTopics = (entry.followUps ?? []).map((id) => lookup(id)?.topic);
    expect(activity.suggestedActions?.actions.map((a) => a.value) ?? []).toEqual(followUpTopics);
    const submits = actionsOf(card).filter((a) => a.type === 'Action.Submit');
    for (const a of submits) expect((a.data as { verb?: unknown }).verb).toEqual(expect.any(String));
    expect(submits.some((a) => (a.data as { verb: string }).verb === 'start_dialog')).toBe(entry.dialog !== undefined);
  });
});

describe('feedbackMessage', () => {
  it('asks yes or no with a valid card', () => {
    const activity = feedbackMessage('lost_phone');
    expect(activity.text).toBe('Did this answer help?');
    expect(activity.speak).toContain('yes or no');
    expect(activity.suggestedActions?.actions.map((a) => a.title)).toEqual(['Yes', 'No']);
    expect(adaptiveCardIssues(cardOf(activity))).toEqual([]);
  });
});

describe('fallbackMessage', () => {
  const suggestions = ['core_methods', 'lost_phone', 'contact_helpdesk'].map((id) => {
    const e = lookup(id);
    if (!e) throw new Error(id);
    return e;
  });

  it('lists suggestions for text, speech and suggested actions', () => {
    const activity = fallbackMessage({ kind: 'unknown', suggestions });
    expect(activity.text).toContain('1. The MFA methods');
    expect(activity.speak).toContain('press 2 or say Lost or stolen phone');
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
