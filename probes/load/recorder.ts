/**
 * Counts every outcome of a load run and keeps latencies in a fixed-size HDR histogram (microseconds, 3 significant
 * digits: ±0.1 %), so memory does not grow with the length of the run.
 */
import type { Histogram } from 'hdr-histogram-js';
import { encodeHistogram, latencyFigures, newLatencyHistogram, recordLatencyMs, round } from '../../src/model/latency-histogram.js';
import type { LatencySummary, MetricRecord } from '../../src/model/types.js';
import type { ExchangeEnd } from './exchange.js';

/** the code of a response whose body grew past load.maxBodyBytes (the endpoint's maxBodyBytes) */
export const BODY_TOO_LARGE = 'RP_ERR_BODY_TOO_LARGE';

export const COUNTED_AS = {
  requests:
    'completed attempts: responses of any status + transport errors + timeouts + rejected responses ' +
    '(in-flight requests cut off by a stop or by the end of the run are not counted)',
  errors:
    'responses with a status outside 200-399, transport errors (refused, reset, closed without an answer, ...), timeouts, ' +
    'and responses rejected by the probe (body over maxBodyBytes: rejectedCodes)',
  errorRate: 'errors / requests',
  latency:
    'every response of any status, and every timeout at the time it was given up; transport errors and rejected responses have no latency and are left out; ' +
    'closed-loop runs where each connection sends two or more requests leave out the first response on each connection ' +
    '(connection setup and the generator warming up; counted in warmupExcluded); fixed-rate runs send one unmeasured ' +
    'warm-up request before the schedule starts (its outcome is warmupRequest)',
  rps: 'requests / seconds from the first send to the last completion',
} as const;

export class LoadRecorder {
  private readonly histogram: Histogram = newLatencyHistogram();
  requests = 0;
  errors = 0;
  timeouts = 0;
  transportErrors = 0;
  httpErrors = 0;
  rejectedResponses = 0;
  non2xx = 0;
  warmupExcluded = 0;
  private readonly statusCounts = new Map<number, number>();
  private readonly errorKinds = new Map<string, number>();
  private readonly rejectedKinds = new Map<string, number>();
  private startedAt = performance.now();
  lastCompletionAt = this.startedAt;
  /** called after every counted outcome (the engine's abort guard) */
  onOutcome: (() => void) | undefined;

  /** the measured run starts now (after a warm-up): rps and elapsed time count from here */
  markStart(): void {
    this.startedAt = performance.now();
    this.lastCompletionAt = this.startedAt;
  }

  private recordLatency(ms: number): void {
    recordLatencyMs(this.histogram, ms);
  }

  private completed(): void {
    this.requests++;
    this.lastCompletionAt = performance.now();
  }

  /** a response counted like any other, but whose latency is left out of the percentiles (see COUNTED_AS.latency) */
  response(status: number, latencyMs: number, warmup = false): void {
    this.completed();
    if (warmup) this.warmupExcluded++;
    else this.recordLatency(latencyMs);
    this.statusCounts.set(status, (this.statusCounts.get(status) ?? 0) + 1);
    if (status < 200 || status > 299) this.non2xx++;
    if (status < 200 || status > 399) {
      this.httpErrors++;
      this.errors++;
    }
    this.onOutcome?.();
  }

  timeout(latencyMs: number): void {
    this.completed();
    this.recordLatency(latencyMs);
    this.timeouts++;
    this.errors++;
    this.onOutcome?.();
  }

  transportError(code: string): void {
    this.completed();
    this.transportErrors++;
    this.errors++;
    countBounded(this.errorKinds, code);
    this.onOutcome?.();
  }

  /** a response the probe refused to accept (its body exceeded the cap): an error with a stable RP_ERR_* code */
  rejected(code: string): void {
    this.completed();
    this.rejectedResponses++;
    this.errors++;
    countBounded(this.rejectedKinds, code);
    this.onOutcome?.();
  }

  get errorRate(): number {
    return this.requests === 0 ? 0 : this.errors / this.requests;
  }

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  /** The latency block; `extra` adds run facts (mode, abort state) the recorder does not know. */
  summary(percentiles: readonly number[], extra: MetricRecord = {}): LatencySummary {
    const spanMs = this.lastCompletionAt - this.startedAt;
    return {
      requests: this.requests,
      errors: this.errors,
      timeouts: this.timeouts,
      errorRate: round(this.errorRate, 6),
      rps: spanMs > 0 ? round((this.requests * 1000) / spanMs, 2) : 0,
      ...latencyFigures(this.histogram, percentiles),
      warmupExcluded: this.warmupExcluded,
      non2xx: this.non2xx,
      httpErrors: this.httpErrors,
      transportErrors: this.transportErrors,
      statusCounts: Object.fromEntries([...this.statusCounts].map(([code, n]) => [String(code), n])),
      transportErrorCodes: Object.fromEntries(this.errorKinds),
      rejectedResponses: this.rejectedResponses,
      rejectedCodes: Object.fromEntries(this.rejectedKinds),
      elapsedMs: round(this.elapsedMs(), 1),
      countedAs: { ...COUNTED_AS },
      ...extra,
    };
  }

  /**
   * What a shard adds so its run can be merged with others: the histogram itself, and its span in wall-clock time
   * (epoch ms, first send to last completion) for the union of the shards' spans.
   */
  shardFacts(): MetricRecord {
    const epoch = (t: number): number => round(performance.timeOrigin + t, 3);
    return { histogram: encodeHistogram(this.histogram), span: { startMs: epoch(this.startedAt), endMs: epoch(this.lastCompletionAt) } };
  }

  close(): void {
    this.histogram.destroy();
  }
}

/**
 * Counts how one attempt ended. `backlogMs`: how long the request waited for a connection after its due time (fixed
 * rate), added to its latency. `warmupSample`: a closed-loop connection's first response (counted, left out of the
 * percentiles).
 */
export function recordEnd(recorder: LoadRecorder, end: ExchangeEnd, backlogMs: number, warmupSample: boolean): void {
  switch (end.kind) {
    case 'response':
      return recorder.response(end.status, end.latencyMs + backlogMs, warmupSample);
    case 'too-large':
      return recorder.rejected(BODY_TOO_LARGE);
    case 'timeout':
      return recorder.timeout(end.latencyMs + backlogMs);
    case 'error':
      return recorder.transportError(errorCodeOf(end.error));
  }
}

/** bounded: error codes are a small set (ECONNREFUSED, ECONNRESET, ...), anything else folds into "other" */
function countBounded(counts: Map<string, number>, code: string): void {
  const key = /^[A-Z_]{3,32}$/.test(code) && (counts.size < 16 || counts.has(code)) ? code : 'other';
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** the stable code of a transport error (ECONNREFUSED, UND_ERR_SOCKET, ...), or "other" */
export function errorCodeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'other';
}
