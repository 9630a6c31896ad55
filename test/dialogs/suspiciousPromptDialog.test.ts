import { DialogTestClient } from 'botbuilder-testing';
import type { TopicOutcome } from '../../dialogs/outcome';
import { NEVER_APPROVE_TEXT, SuspiciousPromptDialog } from '../../dialogs/suspiciousPromptDialog';
import { playTranscript, type Turn } from '../helpers/transcript';

/** The warning comes at once, before any question. */
const OPEN: Turn = ['start', [NEVER_APPROVE_TEXT, /Did you approve any of them\?/]];

const cases: [string, Turn[], TopicOutcome][] = [
  [
    'approved one, several prompts, password not reset, alert raised',
    [
      OPEN,
      ['Yes, I approved one', [/change your NHSmail password straight away/, /how many requests/]],
      ['2 to 5', /reset your password since/],
      ['Not yet', [/reset or change your password as soon as/, /alert the security team/]],
      ['Yes, alert them', []],
    ],
    {
      kind: 'handoff',
      type: 'suspicious_prompt',
      summary: 'MFA prompts the person did not start; one may have been approved',
      details: { anyApproved: true, approvalUnsure: false, promptCount: '2 to 5', passwordReset: false },
    },
  ],
  [
    'none approved, password already reset, alert raised',
    [OPEN, ['No, none', /how many requests/], ['Just one', /reset your password/], ['Yes, already done', /alert the security team/], ['yes', []]],
    {
      kind: 'handoff',
      type: 'suspicious_prompt',
      summary: 'MFA prompts the person did not start; none approved',
      details: { anyApproved: false, approvalUnsure: false, promptCount: 'Just one', passwordReset: true },
    },
  ],
  [
    'not sure whether approved: treated as urgent',
    [OPEN, ["I'm not sure", [/straight away/, /how many/]], ['lots', /reset your password/], ['no', [/as soon as/, /alert/]], ['Yes, alert them', []]],
    {
      kind: 'handoff',
      type: 'suspicious_prompt',
      summary: 'MFA prompts the person did not start; one may have been approved',
      details: { anyApproved: false, approvalUnsure: true, promptCount: 'More than 5', passwordReset: false },
    },
  ],
  ['no alert wanted: told to tell the admin or helpdesk', [OPEN, ['no', /how many/], ['one', /reset/], ['yes', /alert/], ['No thanks', /local administrator or cyber security team.*0333 200 1133/]], { kind: 'done' }],
];

describe('SuspiciousPromptDialog', () => {
  it.each(cases)('%s', async (_name, turns, outcome) => {
    const client = new DialogTestClient('webchat', new SuspiciousPromptDialog());
    await playTranscript(client, turns);
    expect(client.dialogTurnResult.result).toEqual(outcome);
  });
});
