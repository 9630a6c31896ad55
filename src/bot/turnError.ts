import { randomBytes } from 'node:crypto';
import type { Storage, TurnContext } from 'botbuilder';
import type { Logger } from '../logger';
import { redact } from '../logger';
import { say } from '../../dialogs/reply';
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
    log.error({ err: redact(error), stack: error?.stack, referenceId }, 'turn failed');
    try {
      const { conversation } = await new HelpdeskTurnState().storageKeys(context);
      if (conversation) await deps.storage.delete([conversation]);
    } catch (clearError) {
      log.error({ err: redact(clearError), referenceId }, 'could not clear conversation state after a failed turn');
    }
    try {
      await context.sendActivity(
        say(
          `Sorry, something went wrong on my side. Please try again. If it keeps happening, contact the helpdesk and quote reference ${referenceId}.`,
          `Sorry, something went wrong on my side. Please try again. If it keeps happening, contact the helpdesk and quote reference ${referenceId.split('').join(' ')}.`,
        ),
      );
    } catch (sendError) {
      log.error({ err: redact(sendError), referenceId }, 'could not tell the user about a failed turn');
    }
  };
}
