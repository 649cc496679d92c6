import type { ProbeResult } from '../src/model/types.js';

/** An HTTP endpoint result as the probe reports it: what the benches feed the metrics layer and the windows. */
export function endpointResult(name: string, ms: number): ProbeResult {
  const phases = { resolve: 0, connect: 0.2, tls: 0, processing: ms - 0.4, transfer: 0.2 };
  return {
    name,
    kind: 'http',
    status: 'pass',
    durationMs: ms,
    metrics: {},
    data: { kind: 'http', path: '/', method: 'GET', statusCode: 200, bytes: 20, phases, samples: [{ ms, ok: true, timedOut: false, status: 200 }] },
  };
}
