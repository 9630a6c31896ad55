import { methodsBesides, numbersOnRecord, phoneFor, type Person, type PhoneMethod } from '../directory/directory';
import { redactPhone, redactPhonesInText } from '../logger';
import type { TicketDetails } from './model';

/** Details of a lost-device ticket. */
export type LostDeviceDetails = TicketDetails<'lost_device'>;

/** What the lost-phone conversation and the identity check learnt, for {@link lostDeviceDetails}. */
export interface LostDeviceFacts {
  /** The person's directory entry, when they were found (read within the turn, never stored). */
  readonly person?: Person;
  /** The phone the person said is lost; with one number on record, that number. */
  readonly lostMethod?: PhoneMethod;
  /** The number that proved who they are, masked (e.g. `***102`), when a number proved it. */
  readonly provingMasked?: string;
  /** What the person said about another method of their own. */
  readonly saidOtherMethod: 'yes' | 'no' | 'unsure';
  readonly canWork: boolean;
}

/** How agents and the person read each phone method. */
export const PHONE_PLACES: Readonly<Record<PhoneMethod, string>> = { mobile: 'mobile', alternateMobile: 'other mobile', officePhone: 'office phone' };

/** "mobile ending 101" for a phone on the ticket. */
export function phoneLabel(phone: { readonly method?: PhoneMethod; readonly numberMasked: string }): string {
  return `${phone.method ? PHONE_PLACES[phone.method] : 'number'} ending ${phone.numberMasked.replace(/\D/g, '').slice(-3)}`;
}

/**
 * The lost-device ticket's details: which phone is lost and which number proved the request
 * (both masked), the other methods the directory holds, and whether a Temporary Access Pass is
 * needed. A pass is requested only when no other method is registered (when the directory
 * cannot be read: when the person says they have none), and then waits for a second check.
 */
export function lostDeviceDetails(facts: LostDeviceFacts): LostDeviceDetails {
  const person = facts.person;
  const numbers = person ? numbersOnRecord(person) : [];
  const lost = facts.lostMethod ?? (numbers.length === 1 ? numbers[0] : undefined);
  const lostNumber = person && lost ? phoneFor(person, lost) : undefined;
  const lostPhone = lost && lostNumber ? { method: lost, numberMasked: redactPhone(lostNumber) } : undefined;
  const otherMethods = person ? methodsBesides(person, lost, facts.saidOtherMethod === 'yes') : undefined;
  const otherMethodAvailable = otherMethods ? otherMethods.length > 0 : facts.saidOtherMethod === 'yes';
  const proving = facts.provingMasked && /^\*\*\*\d{3}$/.test(facts.provingMasked) ? { numberMasked: facts.provingMasked } : undefined;
  const remove = lostPhone ? `Remove the lost phone (${phoneLabel(lostPhone)}) from the MFA methods` : 'Find out which phone was lost and remove it from the MFA methods';
  return {
    otherMethodAvailable,
    ...(otherMethods ? { otherMethods } : {}),
    canWork: facts.canWork,
    ...(lostPhone ? { lostPhone } : {}),
    ...(proving ? { provingPhone: proving } : {}),
    temporaryAccessPass: otherMethodAvailable ? { requested: false } : { requested: true, secondCheck: { status: 'pending' } },
    actionsNeeded: otherMethodAvailable
      ? [remove, 'No Temporary Access Pass: the person signs in with their other method ("Sign in another way")']
      : [remove, 'Issue a Temporary Access Pass only once the second check (call-back or line manager) is recorded'],
  };
}

/** The ticket summary of a lost phone: which one, and whether a pass is requested. */
export function lostDeviceSummary(details: LostDeviceDetails): string {
  const which = details.lostPhone ? `Lost phone (${phoneLabel(details.lostPhone)})` : 'Lost phone (not known which number)';
  return details.temporaryAccessPass.requested
    ? `${which}; no other method registered: Temporary Access Pass requested, second check pending`
    : `${which}; another method is registered: remove the lost phone, no Temporary Access Pass`;
}

/**
 * A lost-device ticket's Temporary Access Pass; `undefined` on a ticket stored before tickets
 * recorded it (read from the store as it was written).
 */
export function passOf(details: LostDeviceDetails): LostDeviceDetails['temporaryAccessPass'] | undefined {
  const stored: Partial<LostDeviceDetails> = details;
  return stored.temporaryAccessPass;
}

/** Whether a lost-device ticket's Temporary Access Pass still waits for its second check. */
export function secondCheckPending(details: LostDeviceDetails): boolean {
  const tap = passOf(details);
  return tap?.requested === true && tap.secondCheck.status === 'pending';
}

const METHOD_WORDS: Readonly<Record<NonNullable<LostDeviceDetails['otherMethods']>[number], string>> = {
  ...PHONE_PLACES,
  authenticatorApp: 'Authenticator app',
  fido2: 'security key',
  smartcard: 'smartcard',
};

const SECOND_CHECK_WORDS = { callback: 'call-back', line_manager: "line manager's confirmation" } as const;

/**
 * The lost-device rows agents see on a ticket (the Teams card): the lost phone and the proving
 * number (masked), and whether a Temporary Access Pass is requested with the state of its second check.
 * The agent's note of the check goes through `cleanNote` (by default, phone numbers redacted).
 */
export function lostDeviceFacts(details: LostDeviceDetails, cleanNote: (note: string) => string = redactPhonesInText): { title: string; value: string }[] {
  const tap = passOf(details);
  const others = details.otherMethods?.length ? ` (${details.otherMethods.map((m) => METHOD_WORDS[m]).join(', ')})` : '';
  let pass: string;
  if (!tap) pass = 'Not recorded on this ticket (opened before the bot asked which phone was lost)';
  else if (!tap.requested) pass = `Not needed: another method is registered${others}. Remove the lost phone only.`;
  else if (tap.secondCheck.status === 'pending') pass = 'Requested. Second check PENDING: record a call-back or the line manager\'s confirmation before issuing it.';
  else {
    const c = tap.secondCheck;
    pass = `Requested. Second check recorded: ${SECOND_CHECK_WORDS[c.method]} by ${c.by}, ${c.at.slice(0, 16).replace('T', ' ')} UTC (${cleanNote(c.note)}).`;
  }
  return [
    { title: 'Lost phone', value: details.lostPhone ? phoneLabel(details.lostPhone) : 'Not known: ask which phone was lost' },
    { title: 'Proved by', value: details.provingPhone ? phoneLabel(details.provingPhone) : 'No number on record proved it' },
    { title: 'Temporary Access Pass', value: pass },
  ];
}
