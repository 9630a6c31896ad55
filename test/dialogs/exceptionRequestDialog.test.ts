import { DialogTestClient } from 'botbuilder-testing';
import { EXCEPTION_RULES_TEXT, ExceptionRequestDialog } from '../../dialogs/exceptionRequestDialog';
import type { TopicOutcome } from '../../dialogs/outcome';
import { playTranscript, type Turn } from '../helpers/transcript';

const OPEN: Turn = [
  'start',
  [
    (r) => {
      expect(r.text).toBe(EXCEPTION_RULES_TEXT);
      expect(r.text).toMatch(/cannot switch MFA off/);
      expect(r.text).toMatch(/compromised.*cannot be exempted/);
      expect(r.text).toMatch(/Shared mailboxes.*need no MFA/);
      expect(r.text).toMatch(/FIDO2 security key/);
    },
    /Why do you need an exception\?/,
  ],
];
const JUSTIFICATION = 'I work in a secure unit where personal phones must be left in lockers.';

const cases: [string, Turn[], TopicOutcome][] = [
  ['shared mailbox: no exception needed', [OPEN, ["It's for a shared mailbox", /doesn't need MFA/]], { kind: 'done' }],
  [
    'phones not allowed: FIDO2 offered, still wants one, reason collected',
    [OPEN, ["Phones aren't allowed where I work", [/FIDO2 security key/, /still like to ask/]], ['Yes, ask for an exception', /why do you need the exception/], [JUSTIFICATION, []]],
    {
      kind: 'handoff',
      type: 'exception_request',
      summary: "MFA exception request: Phones aren't allowed where I work",
      details: { reasonCategory: "Phones aren't allowed where I work", justification: JUSTIFICATION, needsLocalAdminApproval: true },
    },
  ],
  ['no smartphone: text or call suggested, accepted', [OPEN, ["I don't have a smartphone", [/text a code to a basic mobile/, /still like/]], ["No, that's enough", /local administrator/]], { kind: 'done' }],
  [
    'something else: a short reason is asked again',
    [OPEN, ['Something else', /why do you need the exception/], ['because', /a little more detail/], ['My role needs access from a shared ward terminal.', []]],
    {
      kind: 'handoff',
      type: 'exception_request',
      summary: 'MFA exception request: Something else',
      details: { reasonCategory: 'Something else', justification: 'My role needs access from a shared ward terminal.', needsLocalAdminApproval: true },
    },
  ],
];

describe('ExceptionRequestDialog', () => {
  it.each(cases)('%s', async (_name, turns, outcome) => {
    const client = new DialogTestClient('webchat', new ExceptionRequestDialog());
    await playTranscript(client, turns);
    expect(client.dialogTurnResult.result).toEqual(outcome);
  });
});
