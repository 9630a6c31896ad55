import { ActivityTypes, type TurnContext } from 'botbuilder';
import { Dialog, DialogReason, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';

/** One step of a {@link RouteDialog}: the turn, the dialog's options and values, and its stack. */
export interface RouteStep<O extends object> {
  readonly context: TurnContext;
  readonly options: O;
  /** Values kept across the two steps. */
  readonly values: Record<string, unknown>;
  /** What the dialog begun by the first step ended with (second step only). */
  readonly result?: unknown;
  beginDialog(dialogId: string, options?: object): Promise<DialogTurnResult>;
  endDialog(result?: unknown): Promise<DialogTurnResult>;
  replaceDialog(dialogId: string, options?: object): Promise<DialogTurnResult>;
}

/** A step of a {@link RouteDialog}. */
export type RouteStepHandler<O extends object> = (step: RouteStep<O>) => Promise<DialogTurnResult>;

/** Instance state, laid out as a waterfall's (which this dialog reads too). */
interface RouteState<O> {
  options: O;
  values: Record<string, unknown>;
  stepIndex: number;
}

/**
 * A waterfall of two steps: `route` when it begins, `after` when the dialog that `route` began
 * ends. It runs each step on the dialog context it is given, where a `WaterfallDialog` builds a
 * new step context (and its dialog state manager) for each, which the main dialog would pay for
 * on every turn. Past its second step it ends with the result it was given, as a waterfall does.
 */
export class RouteDialog<O extends object> extends Dialog<O> {
  constructor(
    dialogId: string,
    private readonly route: RouteStepHandler<O>,
    private readonly after: RouteStepHandler<O>,
  ) {
    super(dialogId);
  }

  override async beginDialog(dc: DialogContext, options?: O): Promise<DialogTurnResult> {
    const state = stateOf<O>(dc);
    state.options = options ?? ({} as O);
    state.values = {};
    state.stepIndex = 0;
    return this.route(stepOf(dc, state));
  }

  /** A message while no dialog it began is active is the result of the first step, as in a waterfall. */
  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    return this.resumeDialog(dc, DialogReason.continueCalled, dc.context.activity.text);
  }

  override async resumeDialog(dc: DialogContext, _reason: DialogReason, result?: unknown): Promise<DialogTurnResult> {
    const state = stateOf<O>(dc);
    if (state.stepIndex >= 1) return dc.endDialog(result);
    state.stepIndex = 1;
    return this.after(stepOf(dc, state, result));
  }
}

function stateOf<O>(dc: DialogContext): RouteState<O> {
  const instance = dc.activeDialog;
  if (!instance) throw new Error('RouteDialog: not on the dialog stack');
  return instance.state as RouteState<O>;
}

function stepOf<O extends object>(dc: DialogContext, state: RouteState<O>, result?: unknown): RouteStep<O> {
  return {
    context: dc.context,
    options: state.options,
    values: state.values,
    result,
    beginDialog: (dialogId, options) => dc.beginDialog(dialogId, options),
    endDialog: (r) => dc.endDialog(r),
    replaceDialog: (dialogId, options) => dc.replaceDialog(dialogId, options),
  };
}
