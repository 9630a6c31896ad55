import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { WindowBudgets } from './windowBudgets';

/** A budget that refused because requests came faster than it allows. */
export interface UnusualRate {
  /** The budget's name, e.g. `code_source`, `code_webchat`, `code_overall`. */
  readonly budget: string;
  /** What it allows per window. */
  readonly limit: number;
  readonly windowMinutes: number;
  /** The channel the refused request came from (`teams`, `webchat`, `voice`, `agent`), when known. */
  readonly channel?: string;
  /** When the alert was raised (ISO 8601). */
  readonly at: string;
}

/** Where an alert goes besides the log, e.g. the security team's webhook. Must not throw. */
export type UnusualRateSink = (alert: UnusualRate) => Promise<void>;

/** Options of {@link RateAlarm}. */
export interface RateAlarmOptions {
  /** Where the alarm keeps its own budget, so that it holds across instances. */
  readonly budgets: WindowBudgets;
  /** At most one alert per budget name in this long. */
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly sinks?: readonly UnusualRateSink[];
  readonly clock: Clock;
}

/**
 * Raises an alert when a budget refuses: a warn-level log line (`event: unusual_rate`) and a
 * call of every sink. The alarm has a budget of its own, one alert per budget name per
 * interval, kept in the store, so a flood of refusals (from any number of sources and
 * instances) gives one alert, not a flood of alerts.
 */
export class RateAlarm {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: RateAlarmOptions) {}

  /** Raises the alert for the budget unless one was raised within the interval. */
  async raise(alert: Omit<UnusualRate, 'at'>): Promise<boolean> {
    const allowed = await this.options.budgets.take([{ spec: { name: 'alert_unusual_rate', limit: 1, windowMs: this.options.intervalMs }, key: alert.budget }]);
    if (!allowed.ok) return false;
    const full: UnusualRate = { ...alert, at: new Date(this.options.clock.now()).toISOString() };
    this.options.logger.warn({ event: 'unusual_rate', budget: full.budget, limit: full.limit, windowMinutes: full.windowMinutes, channel: full.channel }, 'Unusual rate: a budget of codes is spent');
    for (const sink of this.options.sinks ?? []) {
      // Delivered in the background: the person's turn does not wait for the security team's webhook.
      const delivery = sink(full).catch((err: unknown) => this.options.logger.error({ budget: full.budget, problem: err instanceof Error ? err.name : 'error' }, 'Unusual rate: an alert could not be delivered'));
      this.pending.add(delivery);
      void delivery.finally(() => this.pending.delete(delivery));
    }
    return true;
  }

  /**
   * Waits for alerts still being delivered, at most `timeoutMs` (for a graceful stop, and tests).
   * @returns whether every delivery had finished.
   */
  async whenIdle(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
    });
    const done = Promise.all([...this.pending]).then(() => true as const);
    const idle = await Promise.race([done, timedOut]);
    clearTimeout(timer);
    return idle;
  }
}
