import type { Activity } from 'botbuilder';
import { createMenuCard, type MenuOption } from '../cards';
import { cardMessage } from './reply';

/** Topic ids of the menu, also used as `topic` in card submissions. */
export const TOPIC = {
  lostDevice: 'lost_device',
  changeMethod: 'change_method',
  newDevice: 'new_device',
  suspiciousPrompt: 'suspicious_prompt',
  exceptionRequest: 'exception_request',
  person: 'person',
} as const;

export type TopicId = (typeof TOPIC)[keyof typeof TOPIC];

/** The menu entries in the order shown. */
export const MENU_OPTIONS: readonly MenuOption[] = [
  { id: TOPIC.lostDevice, title: 'I lost my phone' },
  { id: TOPIC.changeMethod, title: 'Change my MFA method' },
  { id: TOPIC.newDevice, title: 'I have a new phone' },
  { id: TOPIC.suspiciousPrompt, title: "Prompts I didn't ask for" },
  { id: TOPIC.exceptionRequest, title: 'Ask for an exception' },
  { id: TOPIC.person, title: 'Talk to a person' },
];

/** Looks up a topic by its id or by the exact title of its button (case-insensitive). */
export function topicFromChoice(choice: string | undefined): TopicId | undefined {
  if (!choice) return undefined;
  const wanted = choice.trim().toLowerCase();
  const hit = MENU_OPTIONS.find((o) => o.id === wanted || o.title.toLowerCase() === wanted);
  return hit?.id as TopicId | undefined;
}

/** The menu as a message: the intro as text, the card with one button per topic (its fallback lists them) and speech. */
export function menuMessage(intro: string, title = 'How can I help?'): Partial<Activity> {
  const titles = MENU_OPTIONS.map((o) => o.title);
  const spokenList = MENU_OPTIONS.map((o, i) => `press ${i + 1} or say ${o.title}`).join('; ');
  const speak = `${intro} ${title} ${spokenList}.`;
  const fallbackText = `${title}\n${titles.map((t, i) => `${i + 1}. ${t}`).join('\n')}`;
  return cardMessage({
    text: intro,
    speak,
    card: createMenuCard({ title, fallbackText, speak, options: MENU_OPTIONS }),
  });
}
