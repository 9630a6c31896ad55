import type { Logger } from '../logger';
import type { RateAlarm } from '../limits/rateAlarm';
import type { BudgetClaim, BudgetSpec, WindowBudgets } from '../limits/windowBudgets';
import type { CodeRequester } from './requester';
import type { VerificationLimits } from './types';

const HOUR = 60 * 60 * 1000;

/** The limits {@link CodeSendBudgets} reads. */
export type SendBudgetLimits = Pick<
  VerificationLimits,
  'maxSendsPerHour' | 'teamsReservePerHour' | 'maxWebchatSendsPerHour' | 'maxVoiceSendsPerHour' | 'maxSendsPerSourcePerHour' | 'maxSendsPerAddressPerHour'
>;

/** A send refused by a budget: `source_limit` for one requester or address, `global_budget` for a channel or the service. */
export interface SendBudgetRefusal {
  readonly ok: false;
  readonly reason: 'source_limit' | 'global_budget';
  readonly retryAt: number;
  /** The budget that refused, e.g. `code_source`. */
  readonly budget: string;
}

/** Options of {@link CodeSendBudgets}. */
export interface CodeSendBudgetsOptions {
  readonly budgets: WindowBudgets;
  readonly limits: SendBudgetLimits;
  readonly logger: Logger;
  /** Raised when a budget refuses. */
  readonly alarm?: RateAlarm;
}

/**
 * The hourly budgets of codes sent, one named check each, all kept in the store: per source
 * (the Teams user, caller or web chat user who asks), per client address, per channel that
 * outsiders reach (web chat, the phone line), and for the whole service. Requests from outsiders
 * stop short of the whole service's budget by the reserve kept for Teams (and agents), so
 * draining every outsider budget never stops verification in Teams.
 */
export class CodeSendBudgets {
  private readonly specs: Record<'source' | 'address' | 'webchat' | 'voice' | 'overall' | 'outsiders', BudgetSpec>;

  constructor(private readonly options: CodeSendBudgetsOptions) {
    const l = options.limits;
    if (l.teamsReservePerHour >= l.maxSendsPerHour) throw new RangeError('Verification: the Teams reserve must be smaller than the whole budget');
    const hourly = (name: string, limit: number): BudgetSpec => ({ name, limit, windowMs: HOUR });
    this.specs = {
      source: hourly('code_source', l.maxSendsPerSourcePerHour),
      address: hourly('code_address', l.maxSendsPerAddressPerHour),
      webchat: hourly('code_webchat', l.maxWebchatSendsPerHour),
      voice: hourly('code_voice', l.maxVoiceSendsPerHour),
      // One counter for the whole service: outsiders may take it only up to the reserve.
      overall: hourly('code_overall', l.maxSendsPerHour),
      outsiders: hourly('code_overall', l.maxSendsPerHour - l.teamsReservePerHour),
    };
  }

  /** Takes one send from every budget the requester falls under, or from none. */
  async take(requester: CodeRequester | undefined, context: { readonly conversationId: string; readonly personId: string }): Promise<SendBudgetRefusal | undefined> {
    const claims = this.claims(requester);
    const taken = await this.options.budgets.take(claims);
    if (taken.ok) return undefined;
    const spec = claims.find((c) => c.spec.name === taken.budget)?.spec;
    const reason = taken.budget === 'code_source' || taken.budget === 'code_address' ? 'source_limit' : 'global_budget';
    const log = { conversationId: context.conversationId, personId: context.personId, budget: taken.budget, limit: spec?.limit, kind: requester?.kind };
    if (reason === 'global_budget') this.options.logger.error(log, 'Verification: an hourly send budget is spent; sending stopped for it until its window renews');
    else this.options.logger.warn(log, 'Verification: a requester has had as many codes as allowed in an hour');
    await this.options.alarm?.raise({ budget: taken.budget, limit: spec?.limit ?? 0, windowMinutes: (spec?.windowMs ?? HOUR) / 60_000, ...(requester ? { channel: requester.kind } : {}) });
    return { ok: false, reason, retryAt: taken.retryAt, budget: taken.budget };
  }

  /** Gives back a send taken by {@link take} that never went out. */
  async release(requester: CodeRequester | undefined): Promise<void> {
    await this.options.budgets.release(this.claims(requester));
  }

  /** The budgets a send for this requester is taken from. */
  private claims(requester: CodeRequester | undefined): BudgetClaim[] {
    const s = this.specs;
    const claims: BudgetClaim[] = [];
    if (requester?.source && requester.kind !== 'agent') claims.push({ spec: s.source, key: requester.source });
    if (requester?.address) claims.push({ spec: s.address, key: requester.address });
    if (requester?.kind === 'webchat') claims.push({ spec: s.webchat, key: 'all' });
    if (requester?.kind === 'voice') claims.push({ spec: s.voice, key: 'all' });
    const authenticated = requester?.kind === 'teams' || requester?.kind === 'agent';
    claims.push({ spec: authenticated ? s.overall : s.outsiders, key: 'all' });
    return claims;
  }
}
