import type { Activity } from 'botbuilder';
import { present } from '../../src/bot/replyPresentationMiddleware';
import { replyCapabilities, TEAMS_MAX_SUGGESTED_ACTIONS } from '../../dialogs/channelCapabilities';
import { choiceMessage } from '../../dialogs/prompts';
import { menuMessage } from '../../dialogs/menu';
import { actionsOf } from '../cards/adaptiveCardsSdk';

const teams = (conversationType: string) => replyCapabilities({ channelId: 'msteams', conversation: { id: 'c', conversationType, isGroup: conversationType !== 'personal', name: '' } });
const on = (channelId: string) => replyCapabilities({ channelId });

function presented(message: Partial<Activity>, channel: ReturnType<typeof replyCapabilities>): Partial<Activity> {
  const copy: Partial<Activity> = JSON.parse(JSON.stringify(message));
  present(copy, channel);
  return copy;
}

const yesNo = choiceMessage('Do you still have your old phone?', ['Yes', 'No']);
const five = choiceMessage('How should I send your code?', ['Text to mobile ending 101', 'Call mobile ending 101', 'Text to other mobile ending 102', 'Call office phone ending 101', 'Talk to a person']);
const buttons = (a: Partial<Activity>) => actionsOf(a.attachments?.map((x) => x.content)).map((x) => x.title);
const suggestions = (a: Partial<Activity>) => (a.suggestedActions?.actions ?? []).map((x) => x.title);

describe('channel capabilities', () => {
  it('follows botbuilder for Web Chat, Direct Line and the Emulator, and knows Teams and the phone line', () => {
    for (const id of ['webchat', 'directline', 'emulator']) {
      expect(on(id).suggestedActions(10)).toBe(true);
      expect(on(id).cards(10)).toBe(true);
      expect(on(id).nativeFeedback).toBe(false);
    }
    expect(teams('personal').suggestedActions(TEAMS_MAX_SUGGESTED_ACTIONS)).toBe(true);
    expect(teams('personal').suggestedActions(TEAMS_MAX_SUGGESTED_ACTIONS + 1)).toBe(false);
    expect(teams('channel').suggestedActions(1)).toBe(false);
    expect(teams('groupChat').suggestedActions(1)).toBe(false);
    expect(teams('channel').cards(6)).toBe(true);
    expect(teams('personal').nativeFeedback).toBe(true);
    expect(on('voice')).toMatchObject({ speechOnly: true, nativeFeedback: false });
    expect(on('voice').cards(1) || on('voice').suggestedActions(1)).toBe(false);
  });
});

describe('present', () => {
  it('keeps a short question as suggested actions where the client shows them', () => {
    for (const channel of [on('webchat'), teams('personal')]) {
      const out = presented(yesNo, channel);
      expect(suggestions(out)).toEqual(['Yes', 'No']);
      expect(out.attachments).toBeUndefined();
    }
  });

  it('turns choices into one card of buttons where suggested actions are not shown, and never keeps both', () => {
    for (const [out, titles] of [
      [presented(yesNo, teams('channel')), ['Yes', 'No']],
      [presented(five, teams('personal')), suggestions(five)],
    ] as const) {
      expect(out.suggestedActions).toBeUndefined();
      expect(buttons(out)).toEqual(titles);
      expect(out.text).toMatch(/\?$/);
    }
    expect(suggestions(presented(five, on('webchat')))).toHaveLength(5);
  });

  it('drops suggested actions that a card of the message already offers', () => {
    const menu = menuMessage('Hello.');
    const doubled = { ...menu, suggestedActions: { actions: [{ type: 'imBack', title: 'Talk to a person', value: 'Talk to a person' }], to: [] } };
    for (const channel of [on('webchat'), teams('personal'), teams('channel')]) {
      const out = presented(doubled, channel);
      expect(out.suggestedActions).toBeUndefined();
      expect(buttons(out).filter((t) => t === 'Talk to a person')).toHaveLength(1);
    }
  });

  it('keeps only the speech on the phone line, where the choices are read out', () => {
    for (const message of [yesNo, menuMessage('Hello.')]) {
      const out = presented(message, on('voice'));
      expect(out.attachments).toBeUndefined();
      expect(out.suggestedActions).toBeUndefined();
      expect(out.speak).toBe(message.speak);
      expect(out.speak).toMatch(/press 1 or say/i);
    }
  });

  it('lists the choices in the text for a client that shows neither cards nor suggested actions', () => {
    const out = presented(yesNo, on('sms'));
    expect(out.text).toBe('Do you still have your old phone?\n\n1. Yes\n2. No');
    expect(out.suggestedActions).toBeUndefined();
  });
});
