import type { Attachment } from 'botbuilder';
import * as ACData from 'adaptivecards-templating';
import {
  createAnswerCard,
  createChoicesCard,
  createMenuCard,
  createStepsCard,
  parseKnowledgeSubmit,
  prepareCardTemplates,
  type CardJson,
} from '../../cards';
import { actionsOf, adaptiveCardIssues } from './adaptiveCardsSdk';

const content = (a: Attachment): CardJson => a.content as CardJson;

const samples: ReadonlyArray<readonly [string, Attachment]> = [
  [
    'answer (full)',
    createAnswerCard({
      entryId: 'change_default_method',
      title: 'Changing your default method',
      text: '1. Go to https://aka.ms/mysecurityinfo\n2. Select **Change**.',
      source: 'Source: FAQ',
      links: [{ title: 'Security info', url: 'https://aka.ms/mysecurityinfo' }],
      followUps: [{ id: 'remove_method', title: 'Removing a method' }],
      dialog: 'change_method',
      dialogTitle: 'Help me change my method',
      fallbackText: 'Changing your default method',
      speak: 'Go to aka dot m s slash my security info.',
    }),
  ],
  ['answer (minimal)', createAnswerCard({ entryId: 'guest_users', title: 'Guests', text: 'Yes.', fallbackText: 'Yes.', speak: 'Yes.' })],
  [
    'steps',
    createStepsCard({
      entryId: 'new_phone',
      title: 'Move the app',
      intro: 'On your old phone first:',
      steps: ['Open the app.', 'Tap **Settings**.'],
      fallbackText: '1. Open the app.\n2. Tap Settings.',
      speak: 'Step 1: open the app. Step 2: tap settings.',
    }),
  ],
  ['choices', createChoicesCard({ choices: ['Yes', 'No'], fallbackText: '1. Yes\n2. No', speak: 'Yes or no?' })],
  ['menu', createMenuCard({ title: 'How can I help?', fallbackText: 'menu', speak: 'menu', options: [{ id: 'person', title: 'Talk to a person' }] })],
];

describe.each(samples)('%s card', (_name, attachment) => {
  const card = content(attachment);

  it('is an Adaptive Card attachment that the SDK parses without errors or warnings', () => {
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.type).toBe('AdaptiveCard');
    expect(adaptiveCardIssues(card)).toEqual([]);
  });

  it('has fallback text and speech, and no unexpanded template expressions', () => {
    expect(typeof card.fallbackText).toBe('string');
    expect(String(card.fallbackText).length).toBeGreaterThan(0);
    expect(typeof card.speak).toBe('string');
    expect(String(card.speak).length).toBeGreaterThan(0);
    expect(JSON.stringify(card)).not.toContain('${');
  });

  it('gives every submit action a verb', () => {
    const submits = actionsOf(card).filter((a) => a.type === 'Action.Submit' || a.type === 'Action.Execute');
    const withoutVerb = submits.filter((a) => typeof (a.data as Record<string, unknown> | undefined)?.verb !== 'string');
    expect(withoutVerb).toEqual([]);
  });
});

describe('answer card', () => {
  it('shows the guided-flow, link and follow-up buttons with typed submissions', () => {
    const actions = actionsOf(content(samples[0][1]));
    expect(actions.map((a) => a.title)).toEqual(['Help me change my method', 'Security info', 'Removing a method']);
    expect(actions[1]).toMatchObject({ type: 'Action.OpenUrl', url: 'https://aka.ms/mysecurityinfo' });
    expect(parseKnowledgeSubmit(actions[0].data)).toEqual({ verb: 'start_dialog', dialog: 'change_method', entryId: 'change_default_method' });
    expect(parseKnowledgeSubmit(actions[2].data)).toEqual({ verb: 'followup', entryId: 'remove_method' });
  });

  it('omits optional parts when not given', () => {
    const card = content(samples[1][1]);
    expect(actionsOf(card)).toEqual([]);
    // Only the title: the answer itself is the message text, above the card.
    expect((card.body as unknown[]).length).toBe(1);
  });
});

describe('steps card', () => {
  it('numbers the steps in order', () => {
    const text = JSON.stringify(content(samples[2][1]));
    expect(text.indexOf('"1."')).toBeLessThan(text.indexOf('"2."'));
    expect(text).toContain('Tap **Settings**.');
  });

  it('submits done or stuck', () => {
    const data = actionsOf(content(samples[2][1])).map((a) => parseKnowledgeSubmit(a.data));
    expect(data).toEqual([
      { verb: 'steps', outcome: 'done', entryId: 'new_phone' },
      { verb: 'steps', outcome: 'stuck', entryId: 'new_phone' },
    ]);
  });
});

describe('choices card', () => {
  it('answers with the title, in Teams as a message (imBack) like a suggested action', () => {
    const actions = actionsOf(content(samples[3][1]));
    expect(actions.map((a) => a.data)).toEqual([
      { verb: 'choice', value: 'Yes', msteams: { type: 'imBack', value: 'Yes' } },
      { verb: 'choice', value: 'No', msteams: { type: 'imBack', value: 'No' } },
    ]);
  });
});

describe('parseKnowledgeSubmit', () => {
  it('rejects values from other cards or with missing fields', () => {
    expect(parseKnowledgeSubmit({ verb: 'menu', topic: 'person' })).toBeUndefined();
    expect(parseKnowledgeSubmit({ verb: 'feedback', entryId: 'x' })).toBeUndefined();
    expect(parseKnowledgeSubmit(undefined)).toBeUndefined();
    expect(parseKnowledgeSubmit('followup')).toBeUndefined();
  });
});

describe('parsed templates', () => {
  it('are reused: a card expanded again with other values shares nothing with the first', () => {
    const first = createChoicesCard({ choices: ['Yes', 'No'], fallbackText: 'f', speak: 's' });
    const firstContent = content(first);
    (firstContent.body as Record<string, unknown>[])[0].spacing = 'changed by a caller';
    const second = content(createChoicesCard({ choices: ['Text me', 'Call me', 'Talk to a person'], fallbackText: 'f', speak: 's' }));
    expect((second.body as Record<string, unknown>[])[0].spacing).toBe('Small');
    expect(actionsOf(second).map((a) => a.title)).toEqual(['Text me', 'Call me', 'Talk to a person']);
  });

  it('give a card expanded again with the same values as a copy of its own', () => {
    const data = { choices: ['Yes', 'No'], fallbackText: 'Yes or no?', speak: 'Say yes or no.' };
    const first = content(createChoicesCard(data));
    (first.body as Record<string, unknown>[])[0].spacing = 'changed by a caller';
    const again = content(createChoicesCard(data));
    expect(again).not.toBe(first);
    expect((again.body as Record<string, unknown>[])[0].spacing).toBe('Small');
    expect(actionsOf(again).map((a) => a.title)).toEqual(['Yes', 'No']);
    expect(again.speak).toBe('Say yes or no.');
  });

  it('make expanding a card cheap once prepared (no parsing per card)', () => {
    prepareCardTemplates();
    const data = {
      entryId: 'change_default_method',
      title: 'Changing your default method',
      text: 'Go to the security info page.',
      followUps: [{ id: 'remove_method', title: 'Removing a method' }],
      fallbackText: 'Changing your default method',
      speak: 'Go to the security info page.',
    };
    const parse = jest.spyOn(ACData.Template, 'parseInterpolatedString');
    try {
      for (let i = 0; i < 20; i += 1) createAnswerCard({ ...data, entryId: `entry_${i}` });
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });
});
