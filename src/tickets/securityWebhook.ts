import type { Logger } from '../logger';
import { redactPhonesInText } from '../logger';
import type { Requester, Ticket, TicketPriority, TicketType, VerificationEvidence } from './model';
import type { TicketEvent, TicketNotifier } from './notifier';
import type { UnusualRate } from '../limits/rateAlarm';

/** Body POSTed to the security webhook for a P1 ticket, or a denial on call-back. No transcript, details or codes. */
export type SecurityWebhookPayload = {
  /** `ticket.p1_created`: a new P1 ticket. `ticket.callback_denied`: the person said on a call-back to their number on record that they did not ask for help. */
  readonly event: 'ticket.p1_created' | 'ticket.callback_denied';
  readonly ticket: {
    readonly id: string;
    readonly type: TicketType;
    readonly priority: TicketPriority;
    readonly summary: string;
    readonly requester: Requester;
    readonly verification: VerificationEvidence;
    readonly accountCompromised: boolean;
    readonly createdAt: string;
    /** Why the alert was raised, for `ticket.callback_denied`. */
    readonly securityAlert?: { readonly at: string; readonly reason: string };
  };
};

/** Body POSTed to the security webhook when a budget of codes refuses: requests come faster than usual. No person, number or code. */
export type UnusualRatePayload = {
  readonly event: 'verification.unusual_rate';
  readonly alert: UnusualRate;
};

/** Options for {@link SecurityWebhookNotifier}. */
export interface SecurityWebhookOptions {
  /** The http(s) URL to POST to. Never logged: such URLs often carry a secret. */
  readonly url: string;
  readonly logger: Logger;
  /** Attempts in all, including the first (default 4). */
  readonly maxAttempts?: number;
  /** Wait before the first retry; doubled for each further retry (default 500 ms). */
  readonly initialDelayMs?: number;
  /** Time allowed for one attempt (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Waits between attempts; replaced in tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Builds the webhook payload, keeping only what the security team needs and masking phone numbers. */
export function securityWebhookPayload(ticket: Ticket, event: SecurityWebhookPayload['event'] = 'ticket.p1_created'): SecurityWebhookPayload {
  const requester: Requester = Object.fromEntries(
    Object.entries(ticket.requester).map(([k, v]) => [k, typeof v === 'string' ? redactPhonesInText(v) : v]),
  );
  const verification: VerificationEvidence = ticket.verification.verified
    ? { ...ticket.verification, destinationMasked: redactPhonesInText(ticket.verification.destinationMasked) }
    : { verified: false, reason: redactPhonesInText(ticket.verification.reason) };
  return {
    event,
    ticket: {
      id: ticket.id,
      type: ticket.type,
      priority: ticket.priority,
      summary: redactPhonesInText(ticket.summary),
      requester,
      verification,
      accountCompromised: ticket.accountCompromised,
      createdAt: ticket.createdAt,
      ...(ticket.securityAlert ? { securityAlert: ticket.securityAlert } : {}),
    },
  };
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Posts every new P1 ticket (and every denial on a call-back, which raises a ticket to P1) to the security team's webhook as JSON. A failed attempt (network
 * error, timeout or a status other than 2xx) is retried with exponential backoff; when every
 * attempt fails the failure is logged and the ticket is unaffected.
 */
export class SecurityWebhookNotifier implements TicketNotifier {
  readonly name = 'security-webhook';
  private readonly maxAttempts: number;
  private readonly initialDelayMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: SecurityWebhookOptions) {
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.initialDelayMs = options.initialDelayMs ?? 500;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.sleep = options.sleep ?? defaultSleep;
  }

  async notify(event: TicketEvent): Promise<void> {
    if (event.action === 'callback_denied') {
      await this.deliver(securityWebhookPayload(event.ticket, 'ticket.callback_denied'));
      return;
    }
    if (event.action !== 'created' || event.ticket.priority !== 'P1') return;
    await this.deliver(securityWebhookPayload(event.ticket));
  }

  /** Posts an unusual-rate alert (see `RateAlarm`), retrying as configured. */
  async alertUnusualRate(alert: UnusualRate): Promise<boolean> {
    return this.deliver({ event: 'verification.unusual_rate', alert });
  }

  /**
   * Posts one payload, retrying as configured.
   * @returns whether it was delivered.
   */
  async deliver(payload: SecurityWebhookPayload | UnusualRatePayload): Promise<boolean> {
    const { logger } = this.options;
    const body = JSON.stringify(payload);
    const about = 'ticket' in payload ? { ticketId: payload.ticket.id } : { event: payload.event, budget: payload.alert.budget };
    let lastProblem = '';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      try {
        const res = await fetch(this.options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
          redirect: 'error',
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          logger.info({ ...about, attempt }, 'security webhook delivered');
          return true;
        }
        lastProblem = `HTTP ${res.status}`;
      } catch (err) {
        lastProblem = err instanceof Error ? err.name : 'error';
      }
      if (attempt < this.maxAttempts) {
        logger.warn({ ...about, attempt, problem: lastProblem }, 'security webhook attempt failed; retrying');
        await this.sleep(this.initialDelayMs * 2 ** (attempt - 1));
      }
    }
    logger.error({ ...about, attempts: this.maxAttempts, problem: lastProblem }, 'security webhook delivery failed');
    return false;
  }
}
