import type { PromptOptions } from 'botbuilder-dialogs';
import { numbersOnRecord, phoneFor, sameNumberMethods, type Person, type PhoneMethod } from '../src/directory/directory';
import { choiceWords } from '../src/knowledge/choiceWords';
import { redactPhone } from '../src/logger';
import { PHONE_PLACES } from '../src/tickets/lostDevice';
import { withMaskedSpeech, type CodeOffer } from './codeChallenge';
import { choiceOptions } from './prompts';

/** Asked when the person has more than one number on record. */
export const LOST_PHONE_QUESTION = "Which of your phones is lost? I won't send anything to that one.";

/** One number the person may have lost, with the ways of sending a code that are left if it is that one. */
export interface LostPhoneChoice {
  readonly method: PhoneMethod;
  /** "Mobile ending 101". */
  readonly title: string;
  /** The offers that do not go to this phone (a number held twice is left out under both names). */
  readonly offers: readonly CodeOffer[];
}

/** The person's numbers on record, masked, each with the offers that avoid it. */
export function lostPhoneChoices(person: Person, offers: readonly CodeOffer[]): LostPhoneChoice[] {
  return numbersOnRecord(person).map((method) => {
    const gone = sameNumberMethods(person, method);
    const place = PHONE_PLACES[method];
    const title = `${place.charAt(0).toUpperCase()}${place.slice(1)} ending ${redactPhone(phoneFor(person, method) ?? '').slice(3)}`;
    return { method, title, offers: offers.filter((o) => o.method === undefined || !gone.includes(o.method)) };
  });
}

/** The question with the masked numbers as choices; the phone line hears each ending digit by digit. */
export function lostPhoneOptions(choices: readonly LostPhoneChoice[]): PromptOptions {
  const places = choiceWords().places;
  return withMaskedSpeech(choiceOptions(LOST_PHONE_QUESTION, choices.map((c) => ({ title: c.title, synonyms: places[c.method] }))));
}
