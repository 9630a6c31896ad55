import { Application, TurnState } from '@microsoft/teams-ai';
import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MemoryStorage,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, runDialog, WaterfallDialog, type DialogState } from 'botbuilder-dialogs';
import restify from 'restify';

/**
 * The bots the helpdesk is measured against, each the smallest thing the framework allows:
 * - `echo`: botbuilder's echo bot (an `ActivityHandler` behind `CloudAdapter` on restify);
 * - `runDialog`: a teams-ai `Application` with state in memory, running a one-step waterfall
 *   with `runDialog`, as the helpdesk's `MainDialog` once was;
 * - `dialogSet`: the same dialog through a plain `DialogSet` (`createContext`, then
 *   `continueDialog` or `beginDialog`).
 */
export const FLOOR_BOTS = ['echo', 'runDialog', 'dialogSet'] as const;

/** One of {@link FLOOR_BOTS}. */
export type FloorBot = (typeof FLOOR_BOTS)[number];

/** What the framework needs to run a turn: `ActivityHandler` and `Application` both fit. */
interface Runnable {
  run(context: TurnContext): Promise<unknown>;
}

const ECHO_DIALOG = 'echo';

/** Keeps a dialog stack in the conversation scope of a teams-ai turn state. */
class ConversationDialogState implements StatePropertyAccessor<DialogState> {
  constructor(private readonly state: TurnState) {}

  async get(_context: TurnContext, defaultValue?: DialogState): Promise<DialogState> {
    const conversation = this.state.conversation as { dialogState?: DialogState };
    conversation.dialogState ??= defaultValue ?? { dialogStack: [] };
    return conversation.dialogState;
  }

  async set(_context: TurnContext, value: DialogState): Promise<void> {
    (this.state.conversation as { dialogState?: DialogState }).dialogState = value;
  }

  async delete(): Promise<void> {
    delete (this.state.conversation as { dialogState?: DialogState }).dialogState;
  }
}

function echoDialog(): WaterfallDialog {
  return new WaterfallDialog(ECHO_DIALOG, [
    async (step) => {
      const text = step.context.activity.text ?? '';
      await step.context.sendActivity({ type: 'message', text: `Echo: ${text}`, speak: `Echo: ${text}` });
      return step.endDialog();
    },
  ]);
}

function floorBot(kind: FloorBot): Runnable {
  if (kind === 'echo') {
    const bot = new ActivityHandler();
    bot.onMessage(async (context, next) => {
      const text = context.activity.text ?? '';
      await context.sendActivity({ type: 'message', text: `Echo: ${text}`, speak: `Echo: ${text}` });
      await next();
    });
    return bot;
  }
  const app = new Application({ storage: new MemoryStorage(), startTypingTimer: false, longRunningMessages: false });
  const dialog = echoDialog();
  app.message(/.*/, async (context, state) => {
    const accessor = new ConversationDialogState(state);
    if (kind === 'runDialog') {
      await runDialog(dialog, context, accessor);
      return;
    }
    const dialogs = new DialogSet(accessor);
    dialogs.add(dialog);
    const dc = await dialogs.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(ECHO_DIALOG);
  });
  return app;
}

/**
 * Starts a floor bot on restify (unauthenticated, so only on the loopback address).
 * @returns the bound port and a function that stops the server
 */
export async function startFloorBot(kind: FloorBot, port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const bot = floorBot(kind);
  const server = restify.createServer({ handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, async (context) => {
      await bot.run(context);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `tsx bench/floorBots.ts <echo|runDialog|dialogSet>`, with `PORT` set: serves one floor bot until stopped. */
if (require.main === module) {
  const kind = process.argv[2] as FloorBot;
  if (!FLOOR_BOTS.includes(kind)) {
    process.stderr.write(`usage: floorBots.ts <${FLOOR_BOTS.join('|')}>\n`);
    process.exit(2);
  }
  startFloorBot(kind, Number(process.env.PORT ?? 0)).then(
    (s) => process.stdout.write(`${JSON.stringify({ kind, port: s.port })}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
  process.on('SIGTERM', () => process.exit(0));
}
