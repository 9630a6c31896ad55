import { CardFactory, type Attachment } from 'botbuilder';
import * as ACData from 'adaptivecards-templating';
import menuTemplate from './menu.json';

/** A JSON object as found in card templates and expanded cards. */
export type CardJson = Record<string, unknown>;

/**
 * Expands an Adaptive Card template with `adaptivecards-templating`.
 * @param template the JSON template from `cards/`
 * @param data the values bound to `$root`
 */
export function expandCard(template: object, data: object): CardJson {
  const expanded: unknown = new ACData.Template(template).expand({ $root: data });
  if (expanded === null || typeof expanded !== 'object' || Array.isArray(expanded)) {
    throw new Error('Card template did not expand to an object');
  }
  return expanded as CardJson;
}

/** One button of the menu card. */
export interface MenuOption {
  /** Topic id sent back as `topic` with verb `menu`. */
  readonly id: string;
  readonly title: string;
}

/** Values of the menu card. */
export interface MenuCardData {
  readonly title: string;
  /** Plain text shown by clients that cannot render the card. */
  readonly fallbackText: string;
  readonly speak: string;
  readonly options: readonly MenuOption[];
}

/** The topic menu: a title, a sentence and one submit button per topic (verb `menu`). */
export function createMenuCard(data: MenuCardData): Attachment {
  return CardFactory.adaptiveCard(expandCard(menuTemplate, data));
}
