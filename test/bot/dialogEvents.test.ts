import { Writable } from 'node:stream';
import { ConversationState, MemoryStorage, TestAdapter, type TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  runDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogContext,
  type DialogEvent,
  type DialogState,
  type PromptOptions,
  type PromptRecognizerResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { systemClock } from '../../src/clock';
import { createHelpdeskApplication } from '../../src/bot/helpdeskBot';
import { FeedbackLog } from '../../src/knowledge/feedbackLog';
import { createLogger } from '../../src/logger';
import { DocumentBotStorage } from '../../src/store/botStorage';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';

/** A text prompt that counts how often it reads an answer (once a turn either way). */
class CountingPrompt extends TextPrompt {
  recognized = 0;

  protected override async onRecognize(context: TurnContext, state: object, options: PromptOptions): Promise<PromptRecognizerResult<string>> {
    this.recognized += 1;
    return super.onRecognize(context, state, options);
  }
}

/** Asks three questions in a row; counts the dialog events that reach it. */
class ThreeQuestions extends ComponentDialog {
  readonly prompt = new CountingPrompt('text');
  events: string[] = [];

  constructor() {
    super('three');
    this.addDialog(this.prompt);
    this.addDialog(new WaterfallDialog('steps', [this.ask('one'), this.ask('two'), this.ask('three'), this.done.bind(this)]));
    this.initialDialogId = 'steps';
  }

  private ask(what: string) {
    return async (step: WaterfallStepContext) => step.prompt('text', `Question ${what}?`);
  }

  private async done(step: WaterfallStepContext) {
    await step.context.sendActivity(`Last answer: ${String(step.result)}`);
    return step.endDialog();
  }

  protected override async onPreBubbleEvent(dc: DialogContext, e: DialogEvent): Promise<boolean> {
    this.events.push(e.name);
    return super.onPreBubbleEvent(dc, e);
  }
}

describe('dialog events of a turn', () => {
  const conversation = (adapter: TestAdapter) =>
    adapter.send('hi').assertReply('Question one?').send('first').assertReply('Question two?').send('second').assertReply('Question three?').send('third').assertReply('Last answer: third');

  it('without the helpdesk, botbuilder-dialogs emits activityReceived every turn', async () => {
    const dialog = new ThreeQuestions();
    const state = new ConversationState(new MemoryStorage());
    const accessor = state.createProperty<DialogState>('dialogState');
    const adapter = new TestAdapter(async (context) => {
      await runDialog(dialog, context, accessor);
      await state.saveChanges(context);
    });
    await conversation(adapter);
    expect(dialog.prompt.recognized).toBe(3);
    expect(dialog.events.filter((e) => e === 'activityReceived')).toHaveLength(3);
  });

  it('in the helpdesk, the event, which no helpdesk dialog handles, is not emitted, and the conversation runs the same', async () => {
    const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
    const store = new SqliteDocumentStore({ filename: ':memory:' });
    const dialog = new ThreeQuestions();
    const app = createHelpdeskApplication({ storage: new DocumentBotStorage(store), mainDialog: dialog, feedback: new FeedbackLog(store, systemClock), logger });
    const adapter = new TestAdapter(async (context) => {
      await app.run(context);
    });
    await conversation(adapter);
    // The first turn ("hi") marks the event as emitted with nothing on the stack yet; from then on each turn is marked up front.
    expect(dialog.prompt.recognized).toBe(3);
    expect(dialog.events).toEqual([]);
    await store.close();
  });
});
