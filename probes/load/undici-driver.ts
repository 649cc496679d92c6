/**
 * Load over undici, one Client (one connection) per lane: every fixed-rate run, and closed-loop runs whose requests
 * the lean HTTP/1.1 lanes do not send (see wireRequests in http1-driver.ts).
 *
 * With a rate this is a fixed arrival rate (wrk2's model): request k is due at start + k/rate. Its latency is the
 * response time plus the time it waited because every connection was still busy with earlier requests (from its
 * due time until a connection came free). So a server that stalls shows in the percentiles instead of silently
 * slowing the generator down (coordinated omission), while the generator's own timer lag is not charged to the
 * server (it is reported as maxSendLagMs). Requests still unsent when the duration ends are `droppedSends`.
 * One unmeasured warm-up request opens the first connection and warms the client before the schedule starts.
 * Without a rate it is closed-loop (each connection sends its next request when the previous one completes, like
 * `ab -c`); there the first response on each connection carries its connection setup and is counted but left out
 * of the percentiles when every connection sends several requests. A closed-loop lane sends its next request from
 * the previous one's end callback, with no promise or timer in between (undici itself writes it one event-loop
 * turn later, which at a 0 ms target costs about a tenth of the throughput: the lean lanes exist for that).
 *
 * Every attempt ends as exactly one outcome: a response, a timeout, a transport error (refused, reset, closed
 * without an answer) or a response rejected by us (a body over plan.maxBodyBytes). Bodies are drained chunk by
 * chunk and never kept, so a huge response costs no memory.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'undici';
import { errorMessage } from '../../src/model/errors.js';
import { Attempt, dispatchOptions, TimeoutSweep, type ExchangeEnd } from './exchange.js';
import { BODY_TOO_LARGE, errorCodeOf, recordEnd, type LoadRecorder } from './recorder.js';
import type { Driver, LoadPlan } from './types.js';

/** setTimeout fires up to ~1 ms late; sleep until just before the due time, then yield turn by turn until it. */
async function until(dueAt: number, isStopped: () => boolean): Promise<void> {
  const wait = dueAt - performance.now();
  if (wait > 2) await sleep(wait - 1.5);
  while (performance.now() < dueAt && !isStopped()) await new Promise<void>((resolve) => setImmediate(resolve));
}

function describeEnd(end: ExchangeEnd): string {
  if (end.kind === 'response') return `HTTP ${end.status}`;
  if (end.kind === 'too-large') return BODY_TOO_LARGE;
  return end.kind === 'timeout' ? 'timeout' : errorCodeOf(end.error);
}

export function startUndici(plan: LoadPlan, recorder: LoadRecorder): Driver {
  const lanes = plan.amount !== null ? Math.min(plan.connections, plan.amount) : plan.connections;
  // pipelining 1: one request on the wire per connection, like autocannon's default and `ab`. headersTimeout and
  // bodyTimeout 0: no timer of undici's per request; the TimeoutSweep enforces the timeout of every attempt.
  const clientOptions = { pipelining: 1, headersTimeout: 0, bodyTimeout: 0, connect: { timeout: plan.timeoutMs } };
  const clients = Array.from({ length: lanes }, () => new Client(plan.origin, clientOptions));
  const options = plan.requests.map(dispatchOptions);
  /** each lane's attempt on the wire, for the timeout sweep and for a stop */
  const inFlight: (Attempt | null)[] = new Array<Attempt | null>(lanes).fill(null);
  const sweep = new TimeoutSweep(plan.timeoutMs, inFlight);
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

  const record = (end: ExchangeEnd, backlogMs: number, warmupSample: boolean): void => recordEnd(recorder, end, backlogMs, warmupSample);

  /** one attempt on a lane, as a promise: for the fixed-rate schedule, whose pace is set by timers anyway */
  const attempt = (lane: number, slot: number): Promise<ExchangeEnd> =>
    new Promise((resolve) => {
      inFlight[lane] = Attempt.start(clients[lane], options[slot % options.length], plan, (end) => {
        inFlight[lane] = null;
        resolve(end);
      });
    });

  async function ratedLane(lane: number): Promise<void> {
    while (!stopped && next < total) {
      const slot = next;
      const dueAt = startedAt + slot * interval;
      if (dueAt >= endAt) break;
      next++;
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
      const end = await attempt(lane, slot);
      if (!stopped) record(end, Math.max(0, freeAt - dueAt), false);
    }
  }

  // closed-loop: only when every connection sends several requests, or a tiny run would have no latency samples
  const closedLoopWarmup = !plan.rate && (plan.amount === null || plan.amount >= 2 * plan.connections);

  function closedLane(lane: number): Promise<void> {
    return new Promise((finished) => {
      let first = closedLoopWarmup;
      let starting = false;
      const onEnd = (end: ExchangeEnd): void => {
        inFlight[lane] = null;
        if (stopped) return finished();
        record(end, 0, first);
        first = false;
        // Straight on only from a response's end (undici then writes it once the socket is free again). After a
        // failure undici may still be clearing its queue (a refused connect errors every queued request in one
        // loop), and an attempt can fail inside dispatch() itself: go on from a fresh turn there.
        if (end.kind === 'response' && !starting) sendNext();
        else setImmediate(sendNext);
      };
      const sendNext = (): void => {
        if (stopped || next >= total || performance.now() >= endAt) return finished();
        const slot = next++;
        starting = true;
        const started = Attempt.start(clients[lane], options[slot % options.length], plan, onEnd);
        starting = false;
        if (!started.ended) inFlight[lane] = started;
      };
      sendNext();
    });
  }

  async function runAll(): Promise<null> {
    if (plan.rate && !plan.sharded) {
      warmup = describeEnd(await attempt(0, 0));
      if (stopped) return null;
    }
    startedAt = performance.now();
    recorder.markStart();
    endAt = plan.durationMs !== null ? startedAt + plan.durationMs : Infinity;
    const lane = plan.rate ? ratedLane : closedLane;
    await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i)));
    return null;
  }

  const destroy = (): void => {
    for (const client of clients) void client.destroy().catch(() => undefined);
  };
  const done = runAll()
    .catch((err: unknown) => `undici: ${errorMessage(err)}`)
    .finally(() => {
      sweep.stop();
      destroy();
    });

  return {
    done,
    stop() {
      if (stopped) return;
      stopped = true;
      sweep.stop();
      // in-flight attempts end now and are not counted (stopped is set); the connections close once this turn is
      // over, not inside a parser callback that may have called stop through the recorder's abort guard
      for (const inflight of inFlight) inflight?.cancel('stopped');
      queueMicrotask(destroy);
    },
    facts: () => ({
      generator: 'undici',
      connections: lanes,
      ...(plan.rate ? { droppedSends: dropped, maxSendLagMs: Math.round(maxSendLagMs * 1000) / 1000, warmupRequest: warmup } : {}),
    }),
  };
}
