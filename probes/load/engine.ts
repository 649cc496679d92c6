/**
 * Runs one load plan to its end or to an early stop, and returns the latency block. Pure data in, pure data out,
 * so it runs the same in the caller's thread or in a worker thread.
 */
import { evaluateThreshold, parseThreshold, type Threshold } from '../../src/model/thresholds.js';
import { AUTOCANNON_MIN_TIMEOUT_MS, startAutocannon } from './autocannon-driver.js';
import { LoadRecorder } from './recorder.js';
import { startUndici } from './undici-driver.js';
import type { Driver, EngineHooks, EngineResult, LoadPlan, StopReason } from './types.js';

const PROGRESS_EVERY_MS = 200;

export function plannedTotal(plan: LoadPlan): number | null {
  if (plan.amount !== null) return plan.amount;
  if (plan.rate !== null && plan.durationMs !== null) return Math.ceil((plan.rate * plan.durationMs) / 1000);
  return null;
}

function pct(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10} %`;
}

export async function runLoadEngine(plan: LoadPlan, hooks: EngineHooks): Promise<EngineResult> {
  const recorder = new LoadRecorder();
  const abortThresholds: Threshold[] = plan.abortThresholds.map((t) => parseThreshold(t)).filter((t) => t.abortOnFail);
  const useUndici = plan.rate !== null || plan.timeoutMs < AUTOCANNON_MIN_TIMEOUT_MS;
  let stopped: StopReason | null = null;
  let driver: Driver | undefined;
  const total = plannedTotal(plan);

  const stop = (reason: StopReason): void => {
    if (stopped) return;
    stopped = reason;
    driver?.stop();
  };
  // the guard runs on every completed request so a failing target gets no more load than necessary
  recorder.onOutcome = () => {
    if (recorder.requests >= plan.abortMinSamples && recorder.errorRate > plan.abortOnErrorRate) {
      stop({
        kind: 'error-rate',
        message: `aborted after ${recorder.requests} requests at error rate ${pct(recorder.errorRate)} (above load.abortOnErrorRate ${pct(plan.abortOnErrorRate)}), so the load does not deepen an outage`,
      });
    }
  };
  const checkAbortThresholds = (): void => {
    if (abortThresholds.length === 0 || recorder.requests < plan.abortMinSamples) return;
    const interim = recorder.summary(plan.percentiles);
    for (const threshold of abortThresholds) {
      const result = evaluateThreshold(threshold, interim);
      if (!result.ok && result.actual !== null) {
        stop({ kind: 'threshold', message: `aborted after ${recorder.requests} requests: threshold "${threshold.expr}" failed (actual ${result.actual})` });
        return;
      }
    }
  };
  const report = (): void =>
    hooks.onProgress?.({ done: recorder.requests, total, elapsedMs: Math.round(recorder.elapsedMs()), errors: recorder.errors });

  const onAbort = (): void => stop({ kind: 'signal', message: `cancelled after ${recorder.requests} requests` });
  if (hooks.signal.aborted) onAbort();
  hooks.signal.addEventListener('abort', onAbort, { once: true });
  const ticker = setInterval(() => {
    checkAbortThresholds();
    report();
  }, PROGRESS_EVERY_MS);
  // autocannon honours only one of amount/duration; when both are given the duration is enforced here
  const deadline = !useUndici && plan.amount !== null && plan.durationMs !== null ? setTimeout(() => driver?.stop(), plan.durationMs) : undefined;
  let failure: string | null = null;
  try {
    if (!stopped) {
      driver = useUndici ? startUndici(plan, recorder) : startAutocannon(plan, recorder);
      failure = await driver.done;
    }
  } finally {
    clearInterval(ticker);
    if (deadline) clearTimeout(deadline);
    hooks.signal.removeEventListener('abort', onAbort);
  }
  report();
  const finalStop = stopped as StopReason | null;
  const latency = recorder.summary(plan.percentiles, {
    mode: plan.rate !== null ? 'fixed-rate' : 'closed-loop',
    latencyFrom: plan.rate !== null ? 'response time plus any wait past the intended send time for a busy connection (coordinated omission)' : 'request write',
    targetRate: plan.rate,
    plannedRequests: total,
    timeoutMs: plan.timeoutMs,
    aborted: finalStop !== null,
    abortReason: finalStop?.message ?? null,
    ...(driver?.facts() ?? { generator: useUndici ? 'undici' : 'autocannon', connections: plan.connections }),
  });
  recorder.close();
  return { latency, stopped: finalStop, failure };
}
