import { ActivityTypes, TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { Dialog, DialogSet, DialogTurnStatus, type DialogContext, type DialogState, type DialogTurnResult } from 'botbuilder-dialogs';
import { RouteDialog, type RouteStep } from '../../dialogs/routeDialog';

/** A child that waits for one message and ends with its text. */
class EchoOnce extends Dialog {
  constructor() {
    super('echoOnce');
  }
  override async beginDialog(): Promise<DialogTurnResult> {
    return Dialog.EndOfTurn;
  }
  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    return dc.endDialog(`echo:${dc.context.activity.text ?? ''}`);
  }
}

/** Runs one activity against a stack kept in `holder`, beginning `id` when nothing is active. */
async function turn(dialogs: DialogSet, text: string, type: string = ActivityTypes.Message): Promise<DialogTurnResult> {
  const context = new TurnContext(new TestAdapter(), { type, text, channelId: 'test', conversation: { id: 'c' }, from: { id: 'u' }, recipient: { id: 'b' } } as Activity);
  const dc = await dialogs.createContext(context);
  return dc.activeDialog ? dc.continueDialog() : dc.beginDialog('route', { greeting: 'hi' });
}

function setUp(route: (step: RouteStep<{ greeting?: string }>) => Promise<DialogTurnResult>, after: (step: RouteStep<{ greeting?: string }>) => Promise<DialogTurnResult>) {
  const holder: { state?: DialogState } = {};
  const dialogs = new DialogSet({
    get: async (_c: TurnContext, dflt?: DialogState) => (holder.state ??= dflt ?? { dialogStack: [] }),
    set: async (_c: TurnContext, value: DialogState) => void (holder.state = value),
    delete: async () => void delete holder.state,
  });
  dialogs.add(new RouteDialog('route', route, after)).add(new EchoOnce());
  return { dialogs, holder };
}

describe('RouteDialog', () => {
  it('runs the first step on begin and the second with what the begun dialog ended with, keeping options and values', async () => {
    const seen: unknown[] = [];
    const { dialogs, holder } = setUp(
      async (step) => {
        step.values.noted = step.options.greeting;
        return step.beginDialog('echoOnce');
      },
      async (step) => {
        seen.push({ result: step.result, noted: step.values.noted, greeting: step.options.greeting });
        return step.endDialog('done');
      },
    );
    expect((await turn(dialogs, 'first')).status).toBe(DialogTurnStatus.waiting);
    expect(holder.state?.dialogStack.map((d) => d.id)).toEqual(['route', 'echoOnce']);
    const second = await turn(dialogs, 'again');
    expect(second).toEqual({ status: DialogTurnStatus.complete, result: 'done' });
    expect(seen).toEqual([{ result: 'echo:again', noted: 'hi', greeting: 'hi' }]);
    expect(holder.state?.dialogStack).toEqual([]);
  });

  it('takes a message that arrives while it is on top as the first step’s result, as a waterfall does', async () => {
    const { dialogs } = setUp(
      async () => Dialog.EndOfTurn,
      async (step) => step.endDialog(`after:${String(step.result)}`),
    );
    expect((await turn(dialogs, 'first')).status).toBe(DialogTurnStatus.waiting);
    expect((await turn(dialogs, '', ActivityTypes.Event)).status).toBe(DialogTurnStatus.waiting);
    expect(await turn(dialogs, 'reply')).toEqual({ status: DialogTurnStatus.complete, result: 'after:reply' });
  });

  it('ends with the result it is given once past its second step', async () => {
    const { dialogs } = setUp(
      async (step) => step.beginDialog('echoOnce'),
      async (step) => step.beginDialog('echoOnce'),
    );
    await turn(dialogs, 'one');
    expect((await turn(dialogs, 'two')).status).toBe(DialogTurnStatus.waiting);
    expect(await turn(dialogs, 'three')).toEqual({ status: DialogTurnStatus.complete, result: 'echo:three' });
  });

  it('replaces itself with new options', async () => {
    let runs = 0;
    const { dialogs } = setUp(
      async (step) => {
        runs += 1;
        return step.options.greeting === 'again' ? step.endDialog('replaced') : step.replaceDialog('route', { greeting: 'again' });
      },
      async (step) => step.endDialog(step.result),
    );
    expect(await turn(dialogs, 'go')).toEqual({ status: DialogTurnStatus.complete, result: 'replaced' });
    expect(runs).toBe(2);
  });
});
