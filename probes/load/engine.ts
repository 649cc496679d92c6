/**
 * Runs one load plan to its end or to an early stop, and returns the latency block. Pure data in, pure data out,
 * so it runs the same in the caller's thread or in a worker thread.
 */
import { evaluateThreshold, parseThreshold, type Threshold } from '../../src/model/thresholds.js';
import { LoadRecorder } from './recorder.js';
import { startHttp1, wireRequests } from './http1-driver.js';
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
  let stopped: StopReason | null = null;
  let driver: Driver | undefined;
  const total = plannedTotal(plan);

  const stop = (reason: StopReason): void => {
    if (stopped) return;
    stopped = reason;
    driver?.stop();
  };
  // The guard runs on every completed request so a failing target gets no more load than necessary. A target that
  // fails slowly (every attempt timing out) is judged after one full request timeout in which every connection
  // failed, rather than after abortMinSamples timeouts: a hung API answers in one timeout, not in five.
  const connections = plan.amount !== null ? Math.min(plan.connections, plan.amount) : plan.connections;
  recorder.onOutcome = () => {
    if (recorder.errorRate <= plan.abortOnErrorRate) return;
    const enoughSamples = recorder.requests >= plan.abortMinSamples;
    const enoughTime = recorder.requests >= Math.min(connections, plan.abortMinSamples) && recorder.elapsedMs() >= plan.timeoutMs;
    if (enoughSamples || enoughTime) {
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
        stop({
          kind: 'threshold',
          message: `aborted after ${recorder.requests} requests: threshold "${threshold.expr}" failed (actual ${result.actual})`,
        });
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
  // The run's own deadline ends it like a duration does (requests still in flight are not counted): the outcome is
  // what completed, reported before the caller's budget runs out instead of being lost to an abort.
  let endedByDeadline = false;
  const deadline =
    plan.deadlineMs !== null
      ? setTimeout(() => {
          endedByDeadline = true;
          driver?.stop();
        }, plan.deadlineMs)
      : undefined;
  let failure: string | null = null;
  try {
    if (!stopped) {
      const wire = wireRequests(plan);
      driver = wire ? startHttp1(plan, recorder, wire) : startUndici(plan, recorder);
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
    latencyFrom:
      plan.rate !== null ? 'response time plus any wait past the intended send time for a busy connection (coordinated omission)' : 'request write',
    targetRate: plan.rate,
    plannedRequests: total,
    timeoutMs: plan.timeoutMs,
    maxBodyBytes: plan.maxBodyBytes,
    aborted: finalStop !== null,
    abortReason: finalStop?.message ?? null,
    ...(endedByDeadline && finalStop === null ? { endedBy: `the run's deadline (${plan.deadlineMs} ms, inside the probe timeout)` } : {}),
    ...(driver?.facts() ?? { generator: 'undici', connections }),
    ...(plan.sharded ? recorder.shardFacts() : {}),
  });
  recorder.close();
  return { latency, stopped: finalStop, failure };
}
