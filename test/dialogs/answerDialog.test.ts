import { ActivityTypes, TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import { ANSWER_DIALOG, AnswerDialog, type AnswerRatings } from '../../dialogs/answerDialog';
import { loadKnowledgeBase, lookupEntry } from '../../src/knowledge/knowledgeBase';

const entries = loadKnowledgeBase();
const lookup = (id: string) => lookupEntry(id, entries);
const entry = entries[0];

type Recorded = { answerId: string; entryId: string; helpful: boolean };

/** Ratings kept in memory, to see what the dialog recorded. */
function recordingRatings(): AnswerRatings & { readonly recorded: Recorded[] } {
  const recorded: Recorded[] = [];
  return {
    recorded,
    asked: async () => undefined,
    record: async (key, helpful) => {
      recorded.push({ answerId: key.answerId, entryId: key.entryId ?? '', helpful });
      return 'recorded';
    },
  };
}

/** Runs one message against a dialog stack kept in `state`, as a turn does. */
async function turn(dialog: AnswerDialog, state: { stack?: DialogState }, text: string): Promise<{ status: DialogTurnStatus; result: unknown; replies: Partial<Activity>[] }> {
  const adapter = new TestAdapter();
  const replies: Partial<Activity>[] = [];
  const context = new TurnContext(adapter, { type: ActivityTypes.Message, text, id: 'a-1', channelId: 'test', conversation: { id: 'c-1', isGroup: false, name: '', conversationType: 'personal' }, from: { id: 'u-1', name: '' }, recipient: { id: 'b-1', name: '' } } as Activity);
  context.onSendActivities(async (_ctx, activities) => {
    replies.push(...activities);
    return activities.map(() => ({ id: '' }));
  });
  const dialogs = new DialogSet({
    get: async (_c: TurnContext, dflt?: DialogState) => (state.stack ??= dflt ?? { dialogStack: [] }),
    set: async (_c: TurnContext, value: DialogState) => void (state.stack = value),
    delete: async () => void delete state.stack,
  }).add(dialog);
  const dc = await dialogs.createContext(context);
  const r = dc.activeDialog ? await dc.continueDialog() : await dc.beginDialog(ANSWER_DIALOG, { entryId: entry.id });
  return { status: r.status, result: r.result, replies };
}

describe('AnswerDialog', () => {
  it('answers, asks once whether it helped, and records the rating with the entry', async () => {
    const ratings = recordingRatings();
    const dialog = new AnswerDialog(lookup, ratings);
    const state: { stack?: DialogState } = {};
    const first = await turn(dialog, state, entry.topic);
    expect(first.status).toBe(DialogTurnStatus.waiting);
    expect(first.replies.map((r) => r.text)).toEqual([entry.answer, 'Did this answer help?']);
    expect(first.replies[1]?.inputHint).toBe('expectingInput');
    expect(JSON.stringify(state.stack)).not.toContain(entry.answer.slice(0, 40));
    const second = await turn(dialog, state, 'yes');
    expect(second.status).toBe(DialogTurnStatus.complete);
    expect(second.result).toEqual({ kind: 'answered', entryId: entry.id });
    expect(ratings.recorded).toEqual([{ answerId: 'a-1', entryId: entry.id, helpful: true }]);
  });

  it('reads the rating of a question asked by the earlier version, whose own waterfall held the ids', async () => {
    const ratings = recordingRatings();
    const dialog = new AnswerDialog(lookup, ratings);
    const legacy: { stack?: DialogState } = {
      stack: {
        dialogStack: [
          {
            id: ANSWER_DIALOG,
            state: {
              dialogs: {
                dialogStack: [
                  { id: 'answerDialog.feedback', state: { options: { prompt: { type: 'message', text: 'Did this answer help?' } }, state: {} } },
                  { id: 'answerDialog.waterfall', state: { options: { entryId: entry.id }, values: { instanceId: 'x', entryId: entry.id, answerId: 'old-answer' }, stepIndex: 0 } },
                ],
              },
            },
          },
        ],
      },
    };
    const r = await turn(dialog, legacy, 'no');
    expect(r.result).toEqual({ kind: 'answered', entryId: entry.id });
    expect(ratings.recorded).toEqual([{ answerId: 'old-answer', entryId: entry.id, helpful: false }]);
    expect(r.replies[0]?.text).toContain(`Sorry that didn't help with "${entry.topic}"`);
  });
});
