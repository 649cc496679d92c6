/**
 * Load over an undici Pool with one worker per connection.
 *
 * With a rate this is a fixed arrival rate (wrk2's model): request k is due at start + k/rate. Its latency is the
 * response time plus the time it waited because every connection was still busy with earlier requests (from its
 * due time until a connection came free). So a server that stalls shows in the percentiles instead of silently
 * slowing the generator down (coordinated omission), while the generator's own timer lag is not charged to the
 * server (it is reported as maxSendLagMs). Requests still unsent when the duration ends are `droppedSends`.
 * One unmeasured warm-up request opens the first connection and warms the client before the schedule starts.
 * Without a rate it is closed-loop (each connection sends its next request when the previous one completes, like
 * `ab -c`); there the first response on each connection carries its connection setup and is counted but left out
 * of the percentiles when every connection sends several requests.
 *
 * Every attempt ends as exactly one outcome: a response, a timeout, a transport error (refused, reset, closed
 * without an answer) or a response rejected by us (a body over plan.maxBodyBytes). Bodies are drained chunk by
 * chunk and never kept, so a huge response costs no memory.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { errorMessage } from '../../src/model/errors.js';
import { exchange } from './exchange.js';
import { BODY_TOO_LARGE, errorCodeOf, type LoadRecorder } from './recorder.js';
import type { Driver, LoadPlan } from './types.js';

/** setTimeout fires up to ~1 ms late; sleep until just before the due time, then yield turn by turn until it. */
async function until(dueAt: number, isStopped: () => boolean): Promise<void> {
  const wait = dueAt - performance.now();
  if (wait > 2) await sleep(wait - 1.5);
  while (performance.now() < dueAt && !isStopped()) await new Promise<void>((resolve) => setImmediate(resolve));
}

export function startUndici(plan: LoadPlan, recorder: LoadRecorder): Driver {
  const pool = new Pool(plan.origin, { connections: plan.connections, pipelining: 1, connect: { timeout: plan.timeoutMs } });
  const interval = plan.rate ? 1000 / plan.rate : 0;
  const total = plan.amount ?? Infinity;
  let startedAt = performance.now();
  let endAt = Infinity;
  let next = 0;
  let stopped = false;
  let dropped = 0;
  let maxSendLagMs = 0;
  let warmup = 'none';
  const isStopped = (): boolean => stopped;

  /**
   * `backlogMs`: how long the request waited for a connection after its due time, added to its latency.
   * `measured`: false for the fixed-rate warm-up (outcome kept as a fact), 'counted' for a closed-loop connection's
   * first response (counted, left out of the percentiles).
   */
  async function send(slot: number, backlogMs: number, measured: boolean | 'counted' = true): Promise<void> {
    const request = plan.requests[slot % plan.requests.length];
    const end = await exchange(pool, request, plan);
    if (!measured) {
      warmup =
        end.kind === 'response'
          ? `HTTP ${end.status}`
          : end.kind === 'too-large'
            ? BODY_TOO_LARGE
            : end.kind === 'timeout'
              ? 'timeout'
              : errorCodeOf(end.error);
      return;
    }
    if (stopped) return;
    switch (end.kind) {
      case 'response':
        return recorder.response(end.status, end.latencyMs + backlogMs, measured === 'counted');
      case 'too-large':
        return recorder.rejected(BODY_TOO_LARGE);
      case 'timeout':
        return recorder.timeout(end.latencyMs + backlogMs);
      case 'error':
        return recorder.transportError(errorCodeOf(end.error));
    }
  }

  // closed-loop: only when every connection sends several requests, or a tiny run would have no latency samples
  const closedLoopWarmup = !plan.rate && (plan.amount === null || plan.amount >= 2 * plan.connections);

  async function worker(): Promise<void> {
    let first = closedLoopWarmup;
    while (!stopped && next < total) {
      const slot = next;
      const dueAt = plan.rate ? startedAt + slot * interval : performance.now();
      if (dueAt >= endAt) break;
      next++;
      if (!plan.rate) {
        await send(slot, 0, first ? 'counted' : true);
        first = false;
        continue;
      }
      const freeAt = performance.now();
      await until(dueAt, isStopped);
      if (stopped) return;
      const sentAt = performance.now();
      if (sentAt >= endAt) {
        // connections were busy until the end: this send (and the rest of the backlog) never went out
        dropped += 1;
        continue;
      }
      maxSendLagMs = Math.max(maxSendLagMs, sentAt - Math.max(dueAt, freeAt));
      await send(slot, Math.max(0, freeAt - dueAt));
    }
  }

  async function runAll(): Promise<null> {
    if (plan.rate && !plan.sharded) {
      await send(0, 0, false);
      if (stopped) return null;
    }
    startedAt = performance.now();
    recorder.markStart();
    endAt = plan.durationMs !== null ? startedAt + plan.durationMs : Infinity;
    const workers = plan.amount !== null ? Math.min(plan.connections, plan.amount) : plan.connections;
    await Promise.all(Array.from({ length: workers }, () => worker()));
    return null;
  }

  const done = runAll()
    .catch((err: unknown) => `undici: ${errorMessage(err)}`)
    .finally(() => pool.destroy().catch(() => undefined));

  return {
    done,
    stop() {
      if (stopped) return;
      stopped = true;
      // aborts in-flight requests; their outcomes are discarded because stopped is set
      void pool.destroy().catch(() => undefined);
    },
    facts: () => ({
      generator: 'undici',
      connections: plan.amount !== null ? Math.min(plan.connections, plan.amount) : plan.connections,
      ...(plan.rate ? { droppedSends: dropped, maxSendLagMs: Math.round(maxSendLagMs * 1000) / 1000, warmupRequest: warmup } : {}),
    }),
  };
}
