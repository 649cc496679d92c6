/** Time our requests waited for the probe's own connection pool: a histogram of its own and one warning per episode. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { LatestResults } from '../../src/daemon/results.js';
import { RollingWindows } from '../../src/metrics/windows.js';
import { DaemonMetrics } from '../../src/metrics/daemon-metrics.js';
import type { ProbeResult } from '../../src/model/types.js';
import { metricValue } from './harness.js';

const INTERVAL_MS = 1_000;

const sample = (name: string, queueMs: number): ProbeResult => ({
  name,
  kind: 'http',
  status: 'pass',
  durationMs: 300,
  metrics: { statusCode: 200, phases: {}, queueMs },
  details: { sampleDurationsMs: [300], sampleOk: [true], sampleQueueMs: [queueMs] },
  data: {
    kind: 'http',
    path: '/',
    method: 'GET',
    statusCode: 200,
    bytes: 2,
    phases: null,
    samples: [{ ms: 300, queueMs, ok: true, timedOut: false, status: 200 }],
  },
});

function setUp(): { results: LatestResults; metrics: DaemonMetrics; lines: { level: number; msg: string; probe?: string }[] } {
  const lines: { level: number; msg: string; probe?: string }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) });
  const metrics = new DaemonMetrics(() => undefined);
  return { results: new LatestResults(new RollingWindows(60_000), metrics, log, (t) => t), metrics, lines };
}

test('queue wait beyond a quarter of the interval warns once, and says when it clears', () => {
  const { results, lines } = setUp();
  const warnings = (): string[] => lines.filter((l) => l.level === 40).map((l) => l.msg);
  results.record(sample('papers', 100), INTERVAL_MS);
  assert.deepEqual(warnings(), [], 'a 10 % wait is normal');
  results.record(sample('papers', 2_000), INTERVAL_MS);
  results.record(sample('papers', 1_900), INTERVAL_MS);
  assert.equal(warnings().length, 1, 'one line per episode, not one per run');
  assert.match(warnings()[0], /waited 2000 ms for a connection of the probe's own pool/);
  assert.match(warnings()[0], /not counted as the API's latency/);
  results.record(sample('papers', 10), INTERVAL_MS);
  assert.ok(lines.some((l) => l.level === 30 && /no longer waiting/.test(l.msg)));
});

test('probe_http_queue_seconds observes every sample’s wait, apart from the request duration', async () => {
  const { results, metrics } = setUp();
  results.record(sample('papers', 2_000), INTERVAL_MS);
  results.record(sample('health', 0), INTERVAL_MS);
  const text = await metrics.text();
  assert.equal(metricValue(text, 'probe_http_queue_seconds_count', {}), 2);
  assert.equal(metricValue(text, 'probe_http_queue_seconds_sum', {}), 2);
  assert.equal(metricValue(text, 'probe_request_duration_seconds_sum', { probe: 'papers' }), 0.3);
});
