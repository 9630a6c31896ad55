import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logger';
import type { CreateTicketInput, VerificationEvidence } from '../../src/tickets';

/** Evidence of a successful SMS verification, as the verification module will produce it. */
export const VERIFIED_BY_SMS: VerificationEvidence = {
  verified: true,
  method: 'sms',
  destinationMasked: '***101',
  at: '2025-01-31T09:00:00.000Z',
};

/** A valid ticket input (an "other" question unless overridden). */
export function ticketInput(overrides: Partial<CreateTicketInput> = {}): CreateTicketInput {
  return {
    type: 'lost_device',
    details: { otherMethodAvailable: true, canWork: true, temporaryAccessPass: { requested: false }, actionsNeeded: ['remove_authenticator'] },
    requester: { email: 'Alex.Smith@Example.NHS.uk', name: 'Alex Smith', staffId: 'S1234' },
    channel: 'msteams',
    verification: VERIFIED_BY_SMS,
    summary: 'Lost phone; needs the Authenticator app removed.',
    transcript: [
      { from: 'user', text: 'I lost my phone', at: '2025-01-31T09:00:00.000Z' },
      { from: 'bot', text: 'Sorry to hear that.', at: '2025-01-31T09:00:01.000Z' },
    ],
    ...overrides,
  } as CreateTicketInput;
}

/**
 * The overrides of {@link ticketInput} for an unverified lost-phone ticket that needs a Temporary Access Pass: no other method
 * on record, the lost mobile ending 201, and the second check still pending.
 */
export function pendingTapTicket(actionsNeeded: readonly string[] = []): Partial<CreateTicketInput> {
  return {
    type: 'lost_device',
    verification: { verified: false, reason: 'no phone method' },
    details: {
      otherMethodAvailable: false,
      canWork: false,
      lostPhone: { method: 'mobile', numberMasked: '***201' },
      temporaryAccessPass: { requested: true, secondCheck: { status: 'pending' } },
      actionsNeeded: [...actionsNeeded],
    },
  };
}

/** A logger whose JSON lines are kept in memory, for assertions. */
export function capturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      raw.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  return {
    logger: createLogger({ level: 'debug', destination: sink }),
    lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** A clock that advances by `stepMs` on every reading. */
export function steppingClock(startIso = '2025-02-01T08:00:00.000Z', stepMs = 1000): () => Date {
  let t = Date.parse(startIso);
  return () => {
    const d = new Date(t);
    t += stepMs;
    return d;
  };
}

/** Adapts a `() => Date` source to the product's `Clock`. */
export function clockFrom(next: () => Date): { now(): number } {
  return { now: () => next().getTime() };
}
