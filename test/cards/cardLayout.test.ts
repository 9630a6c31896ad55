/**
 * Every card template, filled with the product's real content, rendered by the Adaptive Cards
 * SDK in chromium at 320 px (a phone-sized chat column): no button title may be cut off, and
 * every button must be on screen. Screenshots go to `test-artifacts/cards/`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Attachment } from 'botbuilder';
import type { Browser, Page } from 'playwright-core';
import { createChoicesCard, createNoticeCard, createTicketCard, type CardJson } from '../../cards';
import { answerMessage } from '../../dialogs/answerMessage';
import { menuMessage } from '../../dialogs/menu';
import { guidedStepsMessages } from '../../dialogs/steps';
import { loadKnowledgeBase, lookupEntry } from '../../src/knowledge/knowledgeBase';
import { ARTIFACTS_DIR, launchBrowser } from '../support/browser';
import { actionsOf } from './adaptiveCardsSdk';

const WIDTH = 320;
const ARTIFACTS = join(ARTIFACTS_DIR, 'cards');
const SDK = require.resolve('adaptivecards/dist/adaptivecards.min.js');

const entries = loadKnowledgeBase();
const lookup = (id: string) => lookupEntry(id, entries);
const cardOf = (a: Partial<{ attachments: Attachment[] }>): CardJson => {
  const content = a.attachments?.[0]?.content as CardJson | undefined;
  if (!content) throw new Error('message without a card');
  return content;
};

/** Every template, with the longest real content the product puts in it. */
const CARDS: ReadonlyArray<readonly [string, CardJson]> = [
  ['menu', cardOf(menuMessage('Hello.'))],
  ...entries.map((e) => [`answer-${e.id}`, cardOf(answerMessage(e, lookup))] as const),
  ...entries
    .filter((e) => e.steps)
    .map((e) => [`steps-${e.id}`, cardOf(guidedStepsMessages(e.id, e.steps ?? { title: '', items: [] }, 'webchat')[0] ?? {})] as const),
  [
    'choices',
    createChoicesCard({
      choices: ['Text to other mobile ending 102', 'Call office phone ending 101', "I can't use any of these", 'Talk to a person'],
      fallbackText: 'choices',
      speak: 'choices',
    }).content as CardJson,
  ],
  [
    // The "not sure" reply in Teams: its three closest topics and a person, as a card of buttons; here the longest topics there are.
    'choices-longest-topics',
    createChoicesCard({
      choices: [...[...entries].sort((a, b) => b.topic.length - a.topic.length).slice(0, 3).map((e) => e.topic), 'Talk to a person'],
      fallbackText: 'choices',
      speak: 'choices',
    }).content as CardJson,
  ],
  ['notice', createNoticeCard({ title: 'Only the helpdesk team can work on tickets', text: 'Ask a member of the helpdesk team.' }).content as CardJson],
  [
    'ticket',
    createTicketCard({
      ticketId: 'MFA-000042',
      title: 'MFA-000042 · Suspicious sign-in prompts',
      verification: { verified: false, text: 'Identity NOT verified: the person could not receive a code' },
      facts: [
        { title: 'Priority', value: 'P1' },
        { title: 'Requester', value: 'Alexandra Montgomery-Smith (alexandra.montgomery-smith@example.nhs.net)' },
      ],
      summary: 'Approved one prompt they did not start.',
      relay: 'Live chat: Alice Agent is chatting with the person in this thread.',
      notes: [{ header: 'Alice Agent · 09:05', text: 'Called the person.' }],
      transcriptLine: '12 conversation turns in the ticket: GET /api/tickets/MFA-000042',
      message: 'Bob Agent holds this ticket.',
      can: { claim: true, addNote: true, resolve: true, cancel: true, endChat: true, verifyByCallback: true, recordSecondCheck: false },
      fallbackText: 'MFA-000042',
      speak: 'Ticket MFA-000042',
    }).content as CardJson,
  ],
];

/** Buttons a person sees without opening anything: every action not inside a `ShowCard`. */
function topLevelActions(card: CardJson): Record<string, unknown>[] {
  const nested = new Set(actionsOf(card).flatMap((a) => (a.type === 'Action.ShowCard' ? actionsOf(a.card) : [])));
  const refresh = new Set(actionsOf((card.refresh as unknown) ?? null));
  return actionsOf(card).filter((a) => !nested.has(a) && !refresh.has(a));
}

interface Rendered {
  readonly buttons: { title: string; overflows: boolean; inside: boolean }[];
  readonly errors: string[];
}

async function render(page: Page, card: CardJson): Promise<Rendered> {
  return page.evaluate(
    ({ json, width }) => {
      const host = document.getElementById('host') as HTMLElement;
      host.innerHTML = '';
      host.style.width = `${width}px`;
      const sdk = (window as unknown as { AdaptiveCards: { AdaptiveCard: new () => { parse(j: unknown): void; render(): HTMLElement | undefined; onExecuteAction?: unknown } } }).AdaptiveCards;
      const card = new sdk.AdaptiveCard();
      const errors: string[] = [];
      try {
        card.parse(json);
        const el = card.render();
        if (el) host.appendChild(el);
        else errors.push('nothing rendered');
      } catch (e) {
        errors.push(String(e));
      }
      const box = host.getBoundingClientRect();
      const buttons = Array.from(host.querySelectorAll<HTMLElement>('.ac-pushButton')).map((b) => {
        const title = (b.querySelector('div') ?? b) as HTMLElement;
        const r = b.getBoundingClientRect();
        return {
          title: title.innerText,
          overflows: title.scrollWidth > title.clientWidth + 1,
          inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.width > 0,
        };
      });
      return { buttons, errors };
    },
    { json: card, width: WIDTH },
  );
}

describe(`every card at ${WIDTH} px in chromium`, () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 360, height: 800 } });
    await page.setContent(
      `<!doctype html><html><head><style>
        body { margin: 0; padding: 8px; font-family: 'Segoe UI', 'DejaVu Sans', sans-serif; font-size: 14px; }
        .ac-pushButton { padding: 4px 12px; min-height: 32px; border: 1px solid #8a8886; border-radius: 4px; background: #fff; font: inherit; }
      </style></head><body><div id="host"></div></body></html>`,
    );
    await page.addScriptTag({ path: SDK });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it.each(CARDS)('%s: every button is whole and on screen', async (name, card) => {
    const rendered = await render(page, card);
    await (await page.$('#host'))?.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    expect(rendered.errors).toEqual([]);
    const expected = topLevelActions(card).map((a) => String(a.title));
    expect(rendered.buttons.map((b) => b.title)).toEqual(expected);
    expect(rendered.buttons.filter((b) => b.overflows).map((b) => b.title)).toEqual([]);
    expect(rendered.buttons.filter((b) => !b.inside).map((b) => b.title)).toEqual([]);
  });

  it('the ticket card shows at most five buttons at once, and the rest one tap away', async () => {
    const card = CARDS.find(([name]) => name === 'ticket')?.[1] ?? {};
    const rendered = await render(page, card);
    expect(rendered.buttons.map((b) => b.title)).toEqual(['Claim', 'Add note', 'Resolve', 'Verify by call-back', 'More actions']);
    const more = actionsOf(card).find((a) => a.title === 'More actions');
    expect(actionsOf(more?.card).map((a) => a.title)).toEqual(['End chat', 'Cancel ticket']);
  });

  it('the menu offers every topic, "Talk to a person" included', async () => {
    const rendered = await render(page, cardOf(menuMessage('Hello.')));
    expect(rendered.buttons.map((b) => b.title)).toContain('Talk to a person');
    expect(rendered.buttons).toHaveLength(6);
  });
});
