import { DialogTestClient } from 'botbuilder-testing';
import { NewDeviceDialog } from '../../dialogs/newDeviceDialog';
import type { TopicOutcome } from '../../dialogs/outcome';
import { entryLookup } from '../helpers/knowledge';
import { playTranscript, type Turn } from '../helpers/transcript';

const OPEN: Turn = ['start', /Do you still have your old phone\?/];

const hasEightStepsCard = (r: { attachments?: { content?: unknown }[]; text?: string }) => {
  expect(r.text).toMatch(/step by step/);
  const card = JSON.stringify(r.attachments?.[0]?.content);
  for (let n = 1; n <= 8; n++) expect(card).toContain(`"text":"${n}."`);
  expect(card).not.toContain('"text":"9."');
  expect(card).toContain('"verb":"steps"');
  expect(card).toMatch(/"fallbackText":"[^"]*1\. [^"]*8\. /);
};

const cases: [string, string, Turn[], TopicOutcome][] = [
  ['same number with texts: nothing to do', 'webchat', [OPEN, ['Yes, I still have it', /same mobile number/], ['Same number', /How do you usually confirm/], ['text', /nothing to do/]], { kind: 'done' }],
  ['same number with calls: nothing to do', 'webchat', [OPEN, ['yes', /same mobile number/], ['1', /How do you usually confirm/], ['Phone call', /nothing to do/]], { kind: 'done' }],
  [
    'Authenticator: the eight recovery steps as a numbered card, then done',
    'webchat',
    [OPEN, ['yes', /same mobile/], ['Same number', /confirm/], ['Authenticator app', [hasEightStepsCard, /Did that get you set up\?/]], ['Done, that worked', /Keep the old phone/]],
    { kind: 'done' },
  ],
  [
    'Authenticator, stuck: hands over as a new-device ticket',
    'webchat',
    [OPEN, ['yes', /same mobile/], ['Same number', /confirm/], ['app', [hasEightStepsCard, /set up\?/]], [{ type: 'message', value: { verb: 'steps', outcome: 'stuck', entryId: 'new_phone' } }, []]],
    { kind: 'handoff', type: 'new_device', summary: 'Moving MFA to a new phone did not work with self-service', details: { sameNumber: true, method: 'Authenticator app', selfServiceTried: true } },
  ],
  [
    'not sure of the method: how to check, then the steps',
    'webchat',
    [OPEN, ['yes', /same mobile/], ['Same number', /confirm/], ["I'm not sure", [/Security info page/, hasEightStepsCard, /set up\?/]], ['yes', /Keep the old phone/]],
    { kind: 'done' },
  ],
  [
    'on the phone line the steps are read in two short chunks',
    'voice',
    [
      OPEN,
      ['1', /same mobile/],
      ['1', /confirm/],
      [
        '1',
        [
          (r) => {
            expect(r.speak).toMatch(/^Move Microsoft Authenticator to a new phone\. Step 1: .*Step 4: /);
            expect(r.speak).not.toMatch(/Step 5/);
          },
          (r) => expect(r.speak).toMatch(/^Next\. Step 5: .*Step 8: /),
          (r) => expect(r.speak).toMatch(/Press 1 or say Done, that worked\. Press 2 or say I'm stuck\./),
        ],
      ],
      ['1', /Keep the old phone/],
    ],
    { kind: 'done' },
  ],
  ['old phone gone: moves to the lost-phone flow', 'webchat', [OPEN, ["No, it's lost or broken", /lost phone first/]], { kind: 'redirect', topic: 'lost_device' }],
  ['new number: moves to changing the number', 'webchat', [OPEN, ['yes', /same mobile/], ['New number', /must be a UK number/]], { kind: 'redirect', topic: 'change_method', options: { change: 'phone_number' } }],
];

describe('NewDeviceDialog', () => {
  it.each(cases)('%s', async (_name, channel, turns, outcome) => {
    const client = new DialogTestClient(channel, new NewDeviceDialog(entryLookup));
    await playTranscript(client, turns);
    expect(client.dialogTurnResult.result).toEqual(outcome);
  });

  it('refuses to start without the recovery steps in the knowledge base', () => {
    expect(() => new NewDeviceDialog(() => undefined)).toThrow(/new_phone/);
  });
});
