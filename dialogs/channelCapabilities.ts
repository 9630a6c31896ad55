import { Channels, type Activity } from 'botbuilder';
import { supportsCardActions, supportsSuggestedActions } from 'botbuilder-dialogs';

/** Channel id of the phone line (the voice adapter). */
export const VOICE_CHANNEL = 'voice';

/** Teams shows at most this many suggested actions, and only in personal chat. */
export const TEAMS_MAX_SUGGESTED_ACTIONS = 3;

/** What a client can show of a reply, decided once per channel and conversation type. */
export interface ReplyCapabilities {
  /** Adaptive Cards with this many buttons are shown. */
  cards(buttons: number): boolean;
  /** This many suggested actions (quick replies) are shown under a message without a card. */
  suggestedActions(buttons: number): boolean;
  /** Feedback is asked with the client's own buttons on the answer (Teams' feedback loop), not by a question. */
  readonly nativeFeedback: boolean;
  /** Only speech reaches the person: the phone line. */
  readonly speechOnly: boolean;
}

/**
 * The product's view of a channel, built on botbuilder's `supportsCardActions` and
 * `supportsSuggestedActions`, with what they do not know:
 * - Teams shows suggested actions in personal chat only, at most {@link TEAMS_MAX_SUGGESTED_ACTIONS},
 *   and has its own feedback buttons;
 * - the phone line (`voice`) shows nothing: every choice is in the speech.
 * Web Chat, Direct Line and the Emulator get what botbuilder says they support.
 */
export function replyCapabilities(activity: Pick<Partial<Activity>, 'channelId' | 'conversation'>): ReplyCapabilities {
  const channelId = activity.channelId ?? '';
  if (channelId === Channels.Msteams) {
    const personal = (activity.conversation?.conversationType ?? 'personal') === 'personal';
    return {
      cards: (n) => supportsCardActions(channelId, n),
      suggestedActions: (n) => personal && n <= TEAMS_MAX_SUGGESTED_ACTIONS,
      nativeFeedback: true,
      speechOnly: false,
    };
  }
  return {
    cards: (n) => supportsCardActions(channelId, n),
    suggestedActions: (n) => supportsSuggestedActions(channelId, n),
    nativeFeedback: false,
    speechOnly: channelId === VOICE_CHANNEL,
  };
}
