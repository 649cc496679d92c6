/**
 * Closed-loop load on the lean HTTP/1.1 lanes (see http1-lane.ts): each lane sends its next request as soon as the
 * previous one ended, from the callback that ended it. Same counting as the undici driver (recordEnd), same timeout
 * sweep, same warm-up rule; fixed-rate runs and requests the lanes cannot send byte-for-byte as undici would stay on
 * the undici driver (see wireRequests).
 */
import { TimeoutSweep } from './exchange.js';
import { Http1Lane, laneTarget } from './http1-lane.js';
import { http1Request, type Http1Request } from './http1-request.js';
import { recordEnd, type LoadRecorder } from './recorder.js';
import type { Driver, LoadPlan } from './types.js';

/** The plan's requests as prebuilt bytes, or null when the run is not one the lanes serve. */
export function wireRequests(plan: LoadPlan): Http1Request[] | null {
  const origin = new URL(plan.origin);
  if (plan.rate !== null || !laneTarget(origin)) return null;
  const built = plan.requests.map((r) => http1Request(origin, r));
  return built.every((r) => r !== null) ? built : null;
}

export function startHttp1(plan: LoadPlan, recorder: LoadRecorder, requests: readonly Http1Request[]): Driver {
  const target = laneTarget(new URL(plan.origin))!;
  const count = plan.amount !== null ? Math.min(plan.connections, plan.amount) : plan.connections;
  const lanes: Http1Lane[] = [];
  const sweep = new TimeoutSweep(plan.timeoutMs, lanes);
  const total = plan.amount ?? Infinity;
  // only when every connection sends several requests, or a tiny run would have no latency samples
  const warmup = plan.amount === null || plan.amount >= 2 * plan.connections;
  let endAt = Infinity;
  let next = 0;
  let stopped = false;

  function lane(): Promise<void> {
    return new Promise((finished) => {
      let first = warmup;
      const sendNext = (): void => {
        if (stopped || next >= total || performance.now() >= endAt) {
          wire.close();
          return finished();
        }
        wire.send(requests[next++ % requests.length]);
      };
      const wire = new Http1Lane(target, plan, (end) => {
        if (stopped) return finished();
        recordEnd(recorder, end, 0, first);
        first = false;
        // after a failure go on from a fresh turn, so a lane facing a refusing server lets the timers run
        if (end.kind === 'response') sendNext();
        else setImmediate(sendNext);
      });
      lanes.push(wire);
      sendNext();
    });
  }

  const closeAll = (): void => {
    sweep.stop();
    for (const wire of lanes) wire.close();
  };
  recorder.markStart();
  endAt = plan.durationMs !== null ? performance.now() + plan.durationMs : Infinity;
  const done = Promise.all(Array.from({ length: count }, lane)).then(
    () => null,
    (err: unknown) => `http1: ${String(err)}`,
  );
  void done.finally(closeAll);

  return {
    done,
    stop() {
      if (stopped) return;
      stopped = true;
      sweep.stop();
      // in-flight attempts end now and are not counted (stopped is set)
      for (const wire of lanes) wire.cancel('stopped');
    },
    facts: () => ({ generator: 'http1', connections: count }),
  };
}
