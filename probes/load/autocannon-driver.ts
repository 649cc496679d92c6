/**
 * Closed-loop load (each connection sends its next request when the previous one completes, like `ab -c`) generated
 * by autocannon. Only autocannon's load generation is used: every outcome goes into our recorder. autocannon's
 * `responseTime` is process.hrtime from the request write to the parsed end of the response (sub-millisecond).
 */
import autocannon from 'autocannon';
import { errorMessage } from '../../src/model/errors.js';
import { errorCodeOf, type LoadRecorder } from './recorder.js';
import type { Driver, LoadPlan } from './types.js';

/** autocannon rejects timeouts under one second; the engine uses the undici driver for those. */
export const AUTOCANNON_MIN_TIMEOUT_MS = 1000;

interface ClientInternals {
  on(event: 'timeout', listener: () => void): unknown;
  on(event: 'connError', listener: (err: unknown) => void): unknown;
  destroy(): void;
}

export function startAutocannon(plan: LoadPlan, recorder: LoadRecorder): Driver {
  const clients: ClientInternals[] = [];
  let stopped = false;
  // a connection's first response carries its connection setup and a cold client: counted, but not in the percentiles
  const warmedUp = new WeakSet<object>();
  let instance: autocannon.Instance | undefined;
  const connections = plan.amount !== null ? Math.min(plan.connections, plan.amount) : plan.connections;
  // only when every connection sends several requests, or a tiny run would have no latency samples at all
  const warmup = plan.amount === null || plan.amount >= 2 * connections;
  const done = new Promise<string | null>((resolve) => {
    try {
      instance = autocannon(
        {
          url: plan.origin,
          connections,
          ...(plan.amount !== null ? { amount: plan.amount } : { duration: (plan.durationMs ?? 10_000) / 1000 }),
          timeout: plan.timeoutMs / 1000,
          requests: plan.requests.map((r) => ({ method: r.method as autocannon.Request['method'], path: r.path, headers: r.headers, body: r.body })),
          // autocannon only notices stop/finish on this tick; a short tick makes stop() and the end of a run prompt
          sampleInt: 50,
          skipAggregateResult: true,
          setupClient(client) {
            const internals = client as unknown as ClientInternals;
            clients.push(internals);
            internals.on('timeout', () => {
              if (!stopped) recorder.timeout(plan.timeoutMs);
            });
            internals.on('connError', (err) => {
              if (!stopped) recorder.transportError(errorCodeOf(err));
            });
          },
        },
        (err) => resolve(err ? `autocannon: ${errorMessage(err)}` : null),
      );
      instance.on('response', (client, statusCode, _bytes, responseTime) => {
        if (stopped) return;
        const first = warmup && !warmedUp.has(client);
        if (first) warmedUp.add(client);
        recorder.response(statusCode, responseTime, first);
      });
    } catch (err) {
      resolve(`autocannon: ${errorMessage(err)}`);
    }
  });
  return {
    done,
    stop() {
      if (stopped) return;
      stopped = true;
      instance?.stop();
      // destroying the clients stops the sending now rather than at autocannon's next tick
      for (const client of clients) client.destroy();
    },
    facts: () => ({ generator: 'autocannon', connections }),
  };
}
