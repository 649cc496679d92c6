/**
 * A per-dependency circuit breaker kept in the probe's memory, so it survives between daemon runs of the same spec.
 * closed → (failuresToOpen consecutive failures, or one rate limit) → open for openFor, doubling per re-open up to
 * maxOpenFor → half-open: the next run is the single trial → closed on success, open again (longer) on failure.
 */
import type { ProbeMemory } from '../types.js';

export type CircuitState = 'closed' | 'open' | 'half-open';
export const CIRCUIT_STATES: readonly CircuitState[] = ['closed', 'open', 'half-open'];

export interface CircuitSettings {
  failuresToOpen: number;
  openForMs: number;
  maxOpenForMs: number;
}

export interface CircuitRecord<F> {
  state: CircuitState;
  consecutiveFailures: number;
  /** how many times it opened since it was last closed: drives the doubling */
  opens: number;
  openedAt: number | null;
  openUntil: number | null;
  /** a half-open trial is running; a concurrent run must not make a second one */
  trialInFlight: boolean;
  /** what the last failing probe saw, replayed while the circuit is open */
  lastFailure: F | null;
}

export type Admission = { admitted: true; trial: boolean } | { admitted: false; openUntil: number };

/** A circuit that has seen nothing wrong: the start, and where a success returns it. */
function closedRecord<F>(): CircuitRecord<F> {
  return { state: 'closed', consecutiveFailures: 0, opens: 0, openedAt: null, openUntil: null, trialInFlight: false, lastFailure: null };
}

export class Circuit<F> {
  private readonly record: CircuitRecord<F>;

  constructor(
    memory: ProbeMemory,
    key: string,
    private readonly settings: CircuitSettings,
    private readonly now: () => number,
  ) {
    const existing = memory.get(key) as CircuitRecord<F> | undefined;
    this.record = existing ?? closedRecord<F>();
    memory.set(key, this.record);
  }

  snapshot(): Readonly<CircuitRecord<F>> {
    return this.record;
  }

  /** Decides whether this run may call the provider. */
  admit(): Admission {
    const r = this.record;
    if (r.state === 'open' && r.openUntil !== null && this.now() < r.openUntil) return { admitted: false, openUntil: r.openUntil };
    if (r.state === 'open') r.state = 'half-open';
    if (r.state === 'half-open') {
      if (r.trialInFlight) return { admitted: false, openUntil: r.openUntil ?? this.now() };
      r.trialInFlight = true;
      return { admitted: true, trial: true };
    }
    return { admitted: true, trial: false };
  }

  succeeded(): void {
    Object.assign(this.record, closedRecord<F>());
  }

  /** The run ended without a verdict (shutdown): a half-open trial goes back to waiting, nothing is counted. */
  abandoned(): void {
    if (this.record.trialInFlight) {
      this.record.trialInFlight = false;
      this.record.state = 'open';
    }
  }

  /**
   * A rate limit opens at once: until the provider's reset when it gave one (capped by maxOpenFor so a bogus
   * header cannot blind us for days), else for the backoff period. Other failures open after failuresToOpen.
   */
  failed(failure: F, options: { rateLimited?: boolean; retryAt?: number | null } = {}): void {
    const r = this.record;
    const now = this.now();
    const wasTrial = r.state === 'half-open';
    r.trialInFlight = false;
    r.consecutiveFailures++;
    r.lastFailure = failure;
    const hinted = options.retryAt != null && options.retryAt > now ? options.retryAt : null;
    const shouldOpen = wasTrial || options.rateLimited === true || r.consecutiveFailures >= this.settings.failuresToOpen;
    if (!shouldOpen) return;
    const backoff = Math.min(this.settings.openForMs * 2 ** r.opens, this.settings.maxOpenForMs);
    r.opens++;
    r.state = 'open';
    r.openedAt = now;
    r.openUntil = Math.min(hinted ?? now + backoff, now + this.settings.maxOpenForMs);
  }
}
