import { DialogTestClient } from 'botbuilder-testing';
import { ChangeMethodDialog, numberProblemMessage } from '../../dialogs/changeMethodDialog';
import type { TopicOutcome } from '../../dialogs/outcome';
import { checkUkNumber } from '../../src/directory/phoneNumbers';
import { entryLookup } from '../helpers/knowledge';
import { playTranscript, type Turn } from '../helpers/transcript';

const OPEN: Turn = ['start', /What would you like to change\?/];
const ASK_NUMBER: Turn = ['My phone number', /What is your new mobile number\? It must be a UK number\./];

const cases: [string, Turn[], TopicOutcome][] = [
  [
    'default method: the four steps with the link, done',
    [
      OPEN,
      [
        'default method',
        [
          (r) => {
            const card = JSON.stringify(r.attachments?.[0]?.content);
            for (let n = 1; n <= 4; n++) expect(card).toContain(`"text":"${n}."`);
            expect(card).not.toContain('"text":"5."');
            expect(card).toContain('aka.ms/mysecurityinfo');
            expect(r.speak).toMatch(/Step 1: .*my security info.*Step 4: /);
            expect(r.speak).not.toMatch(/https?:/);
          },
          /make sure another one/,
          /Did that work\?/,
        ],
      ],
      ['Done, that worked', /new default method is in place/],
    ],
    { kind: 'done' },
  ],
  [
    'default method, stuck: hands over',
    [OPEN, ['1', [/step by step/, /make sure/, /Did that work/]], ["I'm stuck", []]],
    { kind: 'handoff', type: 'change_method', summary: 'Could not change the default MFA method with self-service', details: { change: 'default_method', selfServiceTried: true } },
  ],
  [
    'UK mobile: accepted, shown back in national format, done by self-service',
    [OPEN, ASK_NUMBER, ['+44 7700 900123', [/07700 900123\*\*, a UK mobile/, /How would you like to update it\?/]], ["I'll do it myself", /aka\.ms\/mysecurityinfo.*07700 900123.*separate from the mobile number in your NHSmail profile/s]],
    { kind: 'done' },
  ],
  [
    'UK mobile: the helpdesk is asked to do it, with the number in E.164',
    [OPEN, ASK_NUMBER, ['07700 900123', [/a UK mobile/, /How would you like/]], ['Ask the helpdesk to do it', []]],
    { kind: 'handoff', type: 'change_method', summary: 'Change the MFA phone number to a UK mobile', details: { change: 'phone_number', newNumberE164: '+447700900123', newNumberKind: 'mobile' } },
  ],
  [
    'UK landline: calls but not texts, accepted for calls',
    [OPEN, ASK_NUMBER, ['020 7946 0018', /020 7946 0018 is a landline\. It can take MFA phone calls but not text messages/], ['Yes, calls only', [/phone calls only/, /How would you like/]], ['Ask the helpdesk to do it', []]],
    { kind: 'handoff', type: 'change_method', summary: 'Change the MFA phone number to a UK landline', details: { change: 'phone_number', newNumberE164: '+442079460018', newNumberKind: 'landline' } },
  ],
  [
    'UK landline refused by the person: asked for another number',
    [OPEN, ASK_NUMBER, ['01632 960101', /landline/], ['No, another number', /What is your new mobile number/], ['07700900456', [/07700 900456/, /How would you like/]], ['myself', /07700 900456/]],
    { kind: 'done' },
  ],
  [
    'Irish and US numbers refused with the policy, then a UK mobile',
    [
      OPEN,
      ASK_NUMBER,
      ['+353 85 123 4567', /\+353 85 123 4567 is not a UK number\. Only UK phone numbers can be used for MFA/],
      ['+1 202 555 0143', /\+1 202 555 0143 is not a UK number/],
      ['07700 900123', [/a UK mobile/, /How would you like/]],
      ['myself', /aka\.ms/],
    ],
    { kind: 'done' },
  ],
  [
    'garbage three times (empty, letters, 40 digits): a person is offered',
    [
      OPEN,
      ASK_NUMBER,
      [{ type: 'message', text: '' }, /I didn't get a number/],
      ['call me maybe', /doesn't look like a phone number/],
      ['1234567890123456789012345678901234567890', [/couldn't use that number after 3 tries/, /Would you like a person from the helpdesk to help\?/]],
      ['Yes, please', []],
    ],
    { kind: 'handoff', type: 'change_method', summary: 'Wants to change the MFA phone number; the new number could not be read', details: { change: 'phone_number', numberTries: 3 } },
  ],
  [
    'garbage three times, person declined: pointed to self-service',
    [OPEN, ASK_NUMBER, ['abc', /doesn't look like/], ['0800 123 4567', /can't be used for MFA/], ['zzz', [/3 tries/, /person/]], ['No thanks', /Security info page/]],
    { kind: 'done' },
  ],
];

describe('ChangeMethodDialog', () => {
  it.each(cases)('%s', async (_name, turns, outcome) => {
    const client = new DialogTestClient('webchat', new ChangeMethodDialog(entryLookup));
    await playTranscript(client, turns);
    expect(client.dialogTurnResult.result).toEqual(outcome);
  });

  it('skips the first question when started for a phone number', async () => {
    const client = new DialogTestClient('webchat', new ChangeMethodDialog(entryLookup), { change: 'phone_number' });
    await playTranscript(client, [['hi', /What is your new mobile number/]]);
  });
});

describe('checkUkNumber', () => {
  it.each([
    ['07700 900123', { ok: true, kind: 'mobile', e164: '+447700900123', national: '07700 900123' }],
    ['+447400123456', { ok: true, kind: 'mobile', e164: '+447400123456', national: '07400 123456' }],
    ['020 7946 0018', { ok: true, kind: 'landline', e164: '+442079460018' }],
    ['+353 85 123 4567', { ok: false, reason: 'not_uk', country: 'IE' }],
    ['+1 202 555 0143', { ok: false, reason: 'not_uk', country: 'US' }],
    ['', { ok: false, reason: 'empty' }],
    ['phone', { ok: false, reason: 'not_a_number' }],
    ['1234567890123456789012345678901234567890', { ok: false, reason: 'not_a_number' }],
    ['0800 123 4567', { ok: false, reason: 'unsupported_type' }],
    ['09011 234567', { ok: false, reason: 'unsupported_type' }],
  ])('%s', (input, expected) => {
    expect(checkUkNumber(input)).toMatchObject(expected);
  });

  it('has a message for every refusal', () => {
    for (const input of ['', 'x', '+353851234567', '08001234567']) expect(numberProblemMessage(checkUkNumber(input)).length).toBeGreaterThan(10);
  });
});
