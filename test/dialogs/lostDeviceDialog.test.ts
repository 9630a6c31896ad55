import { DialogTestClient } from 'botbuilder-testing';
import { DialogTurnStatus } from 'botbuilder-dialogs';
import { LostDeviceDialog } from '../../dialogs/lostDeviceDialog';
import type { TopicOutcome } from '../../dialogs/outcome';
import { playTranscript, suggestionTitles, type Turn } from '../helpers/transcript';

const OPEN: Turn = ['start', [/Sorry to hear that/, (r) => expect(suggestionTitles(r)).toEqual(['Yes', 'No', "I'm not sure"])]];

const cases: [string, Turn[], TopicOutcome][] = [
  [
    'another method, just lost, wants help: sign in another way, tell the admin, ticket asked for',
    [
      OPEN,
      ['yes', /Could the phone have been stolen\?/],
      ['Just lost or broken', [/Sign in another way.*tell your local administrator/s, /remove the lost phone/]],
      ['Yes, please', []],
    ],
    {
      kind: 'handoff',
      type: 'lost_device',
      summary: 'Lost phone; another method is registered',
      details: expect.objectContaining({ otherMethodAvailable: true, mayBeStolen: false }) as never,
    },
  ],
  [
    'another method, may be stolen, no help wanted: password reset advice',
    [OPEN, ['1', /stolen/], ['It may have been stolen', [/reset your NHSmail password now/, /remove the lost phone/]], ["No, I'm fine", /talk to a person/]],
    { kind: 'done' },
  ],
  [
    'no other method, cannot work: a person must reset it; the hand-over says so',
    [
      OPEN,
      ['no', /stolen/],
      ['lost', [(r) => expect(r.text).not.toMatch(/Sign in another way/), /0333 200 1133/, /still do your work/]],
      ["No, I can't work", /helpdesk to take it from here/],
      ['yes please', []],
    ],
    {
      kind: 'handoff',
      type: 'lost_device',
      summary: 'Lost phone; no other method registered',
      details: expect.objectContaining({ otherMethodAvailable: false, canWork: false }) as never,
    },
  ],
  [
    'not sure about other methods: still told about "Sign in another way"',
    [OPEN, ["I'm not sure", /stolen/], ['lost', [/Sign in another way/, /0333 200 1133/, /still do your work/]], ['Yes, I can still work', /take it from here/], ["No, I'm fine", /talk to a person/]],
    { kind: 'done' },
  ],
];

describe('LostDeviceDialog', () => {
  it.each(cases)('%s', async (_name, turns, outcome) => {
    const client = new DialogTestClient('webchat', new LostDeviceDialog());
    await playTranscript(client, turns);
    expect(client.dialogTurnResult.status).toBe(DialogTurnStatus.complete);
    expect(client.dialogTurnResult.result).toEqual(outcome);
  });

  it('hands over with what it learnt when the person asks for a human mid-way', async () => {
    const client = new DialogTestClient('webchat', new LostDeviceDialog());
    await playTranscript(client, [OPEN, ['no', /stolen/], ['talk to a person', []]]);
    expect(client.dialogTurnResult.result).toEqual({
      kind: 'handoff',
      type: 'other',
      summary: 'Asked for a person during "lostDeviceDialog"',
      details: expect.objectContaining({ fromConversation: 'lostDeviceDialog', otherMethod: 'no' }),
    });
  });

  it('re-asks with the choices when the answer is not understood, and help re-prompts', async () => {
    const client = new DialogTestClient('webchat', new LostDeviceDialog());
    await playTranscript(client, [OPEN, ['purple', /Sorry, I didn't catch that.*Yes, No, I'm not sure/], ['help', [/say \*\*cancel\*\*/, /another sign-in method/]]]);
  });

  it('cancel stops the conversation', async () => {
    const client = new DialogTestClient('webchat', new LostDeviceDialog());
    await playTranscript(client, [OPEN, ['cancel', /stopped/]]);
    expect(client.dialogTurnResult.status).toBe(DialogTurnStatus.complete);
    expect(client.dialogTurnResult.result).toBeUndefined();
  });

  it('start over goes back to the menu', async () => {
    const client = new DialogTestClient('webchat', new LostDeviceDialog());
    await playTranscript(client, [OPEN, ['start over', /start again/]]);
    expect(client.dialogTurnResult.status).toBe(DialogTurnStatus.complete);
    expect(client.dialogTurnResult.result).toBeUndefined();
  });
});
