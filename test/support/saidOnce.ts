import type { ReplyActivity } from '../helpers/testServer';

/** How a client shows a reply: the phone line only speaks. */
export interface RenderingClient {
  readonly channelId: string;
}

/** What a reply needs for {@link said}: a message's text, speech, cards and suggested actions. */
export type ShownReply = Pick<ReplyActivity, 'text' | 'speak' | 'attachments' | 'suggestedActions'>;

/** The sentences of a text, normalised for comparison (list numbers and bullets, emphasis and end marks dropped). */
export function sentencesOf(text: string): string[] {
  const units: string[] = [];
  for (const s of text.replace(/\*\*|__|`/g, '').split(/(?<=[.!?])\s+|\n+/)) {
    const unit = s.replace(/^\s*(?:\d+\.|[-•])\s+/, '').trim().toLowerCase().replace(/[.!?:;,]+$/, '');
    if (unit) units.push(unit);
  }
  return units;
}

/** What a person meets in a reply: sentences of text and cards, button and suggested-action titles. */
export function said(replies: readonly ShownReply[], client: RenderingClient): string[] {
  const units: string[] = [];
  const sentences = (text: string): void => {
    units.push(...sentencesOf(text));
  };
  for (const reply of replies) {
    if (client.channelId === 'voice') {
      sentences(reply.speak ?? '');
      continue;
    }
    sentences(reply.text ?? '');
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node !== null && typeof node === 'object') {
        const o = node as Record<string, unknown>;
        if (o.type === 'TextBlock' && typeof o.text === 'string') sentences(o.text);
        if (typeof o.type === 'string' && o.type.startsWith('Action.') && typeof o.title === 'string') units.push(o.title.toLowerCase());
        for (const [key, value] of Object.entries(o)) if (key !== 'fallbackText' && key !== 'speak' && key !== 'data') walk(value);
      }
    };
    walk(reply.attachments?.map((a) => a.content));
    for (const a of reply.suggestedActions?.actions ?? []) units.push(a.title.toLowerCase());
  }
  return units;
}

/** The units that appear more than once. */
export function duplicates(units: readonly string[]): string[] {
  const seen = new Set<string>();
  return [...new Set(units.filter((u) => (seen.has(u) ? true : (seen.add(u), false))))];
}

/** Every choice the reply offers, wherever it is. */
export function choicesOf(replies: readonly ShownReply[]): string[] {
  const titles: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (typeof o.type === 'string' && o.type.startsWith('Action.') && typeof o.title === 'string') titles.push(o.title);
      Object.values(o).forEach(walk);
    }
  };
  for (const r of replies) {
    walk(r.attachments?.map((a) => a.content));
    titles.push(...(r.suggestedActions?.actions ?? []).map((a) => a.title));
  }
  return titles;
}
