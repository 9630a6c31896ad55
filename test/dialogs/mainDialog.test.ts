import { DialogTestClient } from 'botbuilder-testing';
import type { Activity } from 'botbuilder';
import { FALLBACK_TEXT, MainDialog } from '../../dialogs/mainDialog';
import { MENU_OPTIONS } from '../../dialogs/menu';

type Expect = string | RegExp | ((reply: Partial<Activity>) => void);

function check(reply: Partial<Activity> | undefined, expected: Expect): void {
  expect(reply).toBeDefined();
  expect(reply?.speak).toBeTruthy();
  if (typeof expected === 'string') expect(reply?.text).toBe(expected);
  else if (expected instanceof RegExp) expect(reply?.text).toMatch(expected);
  else expected(reply ?? {});
}

const hasMenu = (reply: Partial<Activity>) => {
  const card = reply.attachments?.[0];
  expect(card?.contentType).toBe('application/vnd.microsoft.card.adaptive');
  const actions = (card?.content as { actions: { title: string; data: { verb: string } }[] }).actions;
  expect(actions.map((a) => a.title)).toEqual(MENU_OPTIONS.map((o) => o.title));
  actions.forEach((a) => expect(a.data.verb).toBe('menu'));
  expect(reply.suggestedActions?.actions).toHaveLength(MENU_OPTIONS.length);
};

const transcripts: [string, [string | Partial<Activity>, Expect][]][] = [
  ['unknown text gets the fallback with the menu', [['blah blah', (r) => { check(r, FALLBACK_TEXT); hasMenu(r); }]]],
  ['a greeting gets the menu', [['Hello', (r) => { check(r, /multi-factor authentication/); hasMenu(r); }]]],
  ['"talk to a person" gives the helpdesk contacts', [['I want to talk to a person', /0333 200 1133.*helpdesk@nhs\.net/s]]],
  ['the person button gives the helpdesk contacts', [[{ type: 'message', value: { verb: 'menu', topic: 'person' } }, /0333 200 1133/]]],
  ['cancel with nothing running says so', [['cancel', /nothing to cancel/]]],
  ['a card submission without a verb falls back', [[{ type: 'message', value: { foo: 'bar' } }, FALLBACK_TEXT]]],
];

describe('MainDialog', () => {
  it.each(transcripts)('%s', async (_name, turns) => {
    const client = new DialogTestClient('webchat', new MainDialog());
    for (const [userSays, botReplies] of turns) {
      const reply = await client.sendActivity(userSays);
      check(reply, botReplies);
    }
  });
});
