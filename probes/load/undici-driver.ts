/**
 * Load over an undici Pool with one worker per connection.
 *
 * With a rate this is a fixed arrival rate (wrk2's model): request k is due at start + k/rate. Its latency is the
 * response time plus the time it waited because every connection was still busy with earlier requests (from its
 * due time until a connection came free). So a server that stalls shows in the percentiles instead of silently
 * slowing the generator down (coordinated omission), while the generator's own timer lag is not charged to the
 * server (it is reported as maxSendLagMs). Requests still unsent when the duration ends are `droppedSends`.
 * One unmeasured warm-up request opens the first connection and warms the client before the schedule starts.
 * Without a rate it is closed-loop (used when the timeout is under autocannon's 1 s floor).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { errorMessage } from '../../src/model/errors.js';
import { errorCodeOf, type LoadRecorder } from './recorder.js';
import type { Driver, LoadPlan } from './types.js';

const TIMED_OUT = Symbol('timed out');

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

  /** `backlogMs`: how long the request waited for a connection after its due time, added to its latency */
  async function send(slot: number, backlogMs: number, measured = true): Promise<void> {
    const request = plan.requests[slot % plan.requests.length]!;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(TIMED_OUT), plan.timeoutMs);
    const sentAt = performance.now();
    try {
      const response = await pool.request({
        path: request.path,
        method: request.method as 'GET',
        headers: request.headers,
        body: request.body ?? null,
        signal: controller.signal,
      });
      // the response is complete when its body is; drain it without keeping it
      for await (const chunk of response.body) void chunk;
      if (!measured) warmup = `HTTP ${response.statusCode}`;
      else if (!stopped) recorder.response(response.statusCode, performance.now() - sentAt + backlogMs);
    } catch (err) {
      if (!measured) warmup = controller.signal.reason === TIMED_OUT ? 'timeout' : errorCodeOf(err);
      else if (stopped) return;
      else if (controller.signal.reason === TIMED_OUT) recorder.timeout(performance.now() - sentAt + backlogMs);
      else recorder.transportError(errorCodeOf(err));
    } finally {
      clearTimeout(timer);
    }
  }

  async function worker(): Promise<void> {
    while (!stopped && next < total) {
      const slot = next;
      const dueAt = plan.rate ? startedAt + slot * interval : performance.now();
      if (dueAt >= endAt) break;
      next++;
      if (!plan.rate) {
        await send(slot, 0);
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
    if (plan.rate) {
      await send(0, 0, false);
      if (stopped) return null;
    }
    startedAt = performance.now();
    recorder.markStart();
    endAt = plan.durationMs !== null ? startedAt + plan.durationMs : Infinity;
    await Promise.all(Array.from({ length: plan.connections }, () => worker()));
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
      connections: plan.connections,
      ...(plan.rate ? { droppedSends: dropped, maxSendLagMs: Math.round(maxSendLagMs * 1000) / 1000, warmupRequest: warmup } : {}),
    }),
  };
}
