import { Writable } from 'node:stream';
import { FeedbackLog } from '../../src/knowledge/feedbackLog';
import { systemClock } from '../../src/clock';
import { ActivityTypes, TestAdapter, type Activity } from 'botbuilder';
import { ComponentDialog, TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { createHelpdeskApplication } from '../../src/bot/helpdeskBot';
import { createTurnErrorHandler } from '../../src/bot/turnError';
import { turnLoggerMiddleware } from '../../src/bot/turnLogger';
import { createLogger } from '../../src/logger';
import { DocumentBotStorage } from '../../src/store/botStorage';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';

/** A dialog that asks a question and fails when the answer is "boom". */
class FragileDialog extends ComponentDialog {
  constructor() {
    super('fragile');
    this.addDialog(new TextPrompt('text'));
    this.addDialog(new WaterfallDialog('steps', [this.askStep.bind(this), this.answerStep.bind(this)]));
    this.initialDialogId = 'steps';
  }

  private async askStep(step: WaterfallStepContext) {
    return step.prompt('text', 'What is your favourite colour?');
  }

  private async answerStep(step: WaterfallStepContext) {
    if (step.result === 'boom') throw new Error('internal failure at /srv/secret/path.ts:42 with token abc');
    await step.context.sendActivity(`You said ${String(step.result)}`);
    return step.endDialog();
  }
}

describe('turn errors', () => {
  it('tells the user with a reference id, logs it with the conversation id, and the next turn starts fresh', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk: Buffer, _e, cb) {
          lines.push(chunk.toString());
          cb();
        },
      }),
    });
    const store = new SqliteDocumentStore({ filename: ':memory:' });
    const storage = new DocumentBotStorage(store);
    const app = createHelpdeskApplication({ storage, mainDialog: new FragileDialog(), feedback: new FeedbackLog(store, systemClock), logger });
    const adapter = new TestAdapter(async (context) => {
      await app.run(context);
    });
    adapter.use(turnLoggerMiddleware(logger));
    adapter.onTurnError = createTurnErrorHandler({ logger, storage });

    let referenceId = '';
    await adapter
      .send('hi')
      .assertReply('What is your favourite colour?')
      .send('boom')
      .assertReply((activity: Partial<Activity>) => {
        expect(activity.type).toBe(ActivityTypes.Message);
        expect(activity.text).toMatch(/^Sorry, something went wrong on my side\./);
        expect(activity.speak).toBeTruthy();
        const match = /quote reference (ERR-[A-Z0-9]{6})/.exec(activity.text ?? '');
        expect(match).not.toBeNull();
        referenceId = match?.[1] ?? '';
        expect(activity.text).not.toMatch(/internal failure|secret|\.ts|at /);
      })
      // The broken stack is gone: the next message starts the dialog again rather than continuing it.
      .send('blue')
      .assertReply('What is your favourite colour?')
      .send('green')
      .assertReply('You said green');

    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'turn failed');
    expect(logged).toMatchObject({ referenceId, conversationId: expect.any(String), level: 50 });
    await store.close();
  });
});
