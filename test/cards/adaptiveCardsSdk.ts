/*
 * Test helpers around the Adaptive Cards SDK. The SDK pulls in `swiper` (an ES module) for its
 * carousel renderer; parsing never touches it, so it is replaced by an empty stub under jest.
 */
jest.mock('swiper', () => ({ __esModule: true, default: class SwiperStub {} }));

import * as AdaptiveCards from 'adaptivecards';

/** Parses a card with the Adaptive Cards SDK and returns every parse and validation message. */
export function adaptiveCardIssues(card: unknown): string[] {
  const parsed = new AdaptiveCards.AdaptiveCard();
  const context = new AdaptiveCards.SerializationContext();
  parsed.parse(card, context);
  const issues: string[] = [];
  for (let i = 0; i < context.eventCount; i += 1) issues.push(`parse: ${context.getEventAt(i).message}`);
  for (const e of parsed.validateProperties().validationEvents) issues.push(`validate: ${e.message}`);
  return issues;
}

/** Every action object of a card, nested ones included. */
export function actionsOf(node: unknown): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      const obj = value as Record<string, unknown>;
      if (typeof obj.type === 'string' && obj.type.startsWith('Action.')) found.push(obj);
      Object.values(obj).forEach(walk);
    }
  };
  walk(node);
  return found;
}
