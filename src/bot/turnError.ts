import { randomBytes } from 'node:crypto';
import type { Storage, TurnContext } from 'botbuilder';
import type { Logger } from '../logger';
import { redact } from '../logger';
import { say, toSpeech } from '../../dialogs/reply';
import { HELPDESK_PHONE } from '../../dialogs/facts';
import { StoreUnavailableError } from '../store/documentStore';
import { HelpdeskTurnState } from './helpdeskTurnState';
import { turnLogger } from './turnLogger';

/** A short reference the user can quote to the helpdesk, e.g. `ERR-7K2M9Q`. */
export function newReferenceId(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(6);
  return `ERR-${[...bytes].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

/**
 * Builds the adapter's `onTurnError`: it logs the error with the conversation id and a
 * reference id, tells the user something went wrong (no internals), and deletes the
 * conversation state so the next message starts fresh.
 */
export function createTurnErrorHandler(deps: { logger: Logger; storage: Storage }) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    const referenceId = newReferenceId();
    const log = turnLogger(context, deps.logger);
    if (error instanceof StoreUnavailableError) {
      // Nothing can be read or saved, so there is no state to clear: say so, and keep the process up.
      log.error({ err: redact(error), referenceId }, 'turn failed: the store is not reachable');
      await tell(
        context,
        `Sorry, I can't reach the helpdesk records at the moment, so I can't carry on with this right now. Please send your message again in a few minutes, or call the helpdesk on ${HELPDESK_PHONE} if it is urgent.`,
        referenceId,
        log,
      );
      return;
    }
    log.error({ err: redact(error), stack: error?.stack, referenceId }, 'turn failed');
    try {
      const { conversation } = await new HelpdeskTurnState().storageKeys(context);
      if (conversation) await deps.storage.delete([conversation]);
    } catch (clearError) {
      log.error({ err: redact(clearError), referenceId }, 'could not clear conversation state after a failed turn');
    }
    await tell(context, `Sorry, something went wrong on my side. Please try again. If it keeps happening, contact the helpdesk and quote reference ${referenceId}.`, referenceId, log);
  };
}

/** Sends the failure message (the reference id spelt out for speech); a failure to send is only logged. */
async function tell(context: TurnContext, text: string, referenceId: string, log: Logger): Promise<void> {
  try {
    await context.sendActivity(say(text, toSpeech(text.replace(referenceId, referenceId.split('').join(' ')))));
  } catch (sendError) {
    log.error({ err: redact(sendError), referenceId }, 'could not tell the user about a failed turn');
  }
}
