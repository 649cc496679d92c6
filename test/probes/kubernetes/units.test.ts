/** The small readers behind the probe: quantities, image-pull text, log signatures, endpoint counting, restart windows. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { V1EndpointSlice, V1Pod } from '@kubernetes/client-node';
import { countSlices } from '../../../probes/kubernetes/endpoints.js';
import { classifyImagePull } from '../../../probes/kubernetes/events.js';
import { scanLog } from '../../../probes/kubernetes/logs.js';
import { podFacts } from '../../../probes/kubernetes/pods.js';
import { parseQuantity } from '../../../probes/kubernetes/usage.js';

describe('parseQuantity', () => {
  test('CPU and memory quantities as metrics-server and pod specs write them', () => {
    assert.equal(parseQuantity('500m'), 0.5);
    assert.equal(parseQuantity('2'), 2);
    assert.ok(Math.abs(parseQuantity('487000000n')! - 0.487) < 1e-12);
    assert.equal(parseQuantity('512Mi'), 512 * 2 ** 20);
    assert.equal(parseQuantity('1Gi'), 2 ** 30);
    assert.equal(parseQuantity('129e6'), 129e6);
    assert.equal(parseQuantity('1.5k'), 1500);
    assert.equal(parseQuantity('lots'), null);
    assert.equal(parseQuantity(undefined), null);
  });
});

describe('classifyImagePull', () => {
  test('containerd, registry and network phrasings', () => {
    assert.equal(classifyImagePull('failed to resolve reference "ghcr.io/x/api:v9": ghcr.io/x/api:v9: not found'), 'not found');
    assert.equal(classifyImagePull('manifest unknown: manifest unknown'), 'not found');
    assert.equal(classifyImagePull('failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized'), 'unauthorized');
    assert.equal(classifyImagePull("pull access denied for x/api, repository does not exist or may require 'docker login'"), 'unauthorized');
    assert.equal(classifyImagePull('dial tcp 140.82.112.33:443: i/o timeout'), 'timeout');
    assert.equal(classifyImagePull('something else entirely'), 'other');
  });
});

describe('scanLog', () => {
  const target = { pod: 'p', container: 'api', previous: true };
  const scan = (line: string) => scanLog(line, target, (t) => t).map((m) => m.cause);

  test('each runbook signature maps to its cause', () => {
    assert.deepEqual(scan('sqlalchemy.exc.OperationalError: could not connect to server: Connection refused'), ['db_connection_failure']);
    assert.deepEqual(scan('FATAL: no pg_hba.conf entry for host "10.0.0.1"'), ['db_connection_failure']);
    assert.deepEqual(scan('sqlalchemy.exc.TimeoutError: Query exceeded timeout'), ['db_query_timeout']);
    assert.deepEqual(scan('Timeout waiting for connection from pool'), ['connection_pool_exhaustion']);
    assert.deepEqual(scan('OpenAI API error: 500 Internal Server Error'), ['external_openai_failure']);
    assert.deepEqual(scan('GitHub API: 503 Service Unavailable'), ['external_github_failure']);
    assert.deepEqual(scan('INFO GET /v1/papers 200'), []);
    assert.deepEqual(scan('GitHub API: 404 Not Found'), []);
  });

  test("the pool's own TimeoutError is pool exhaustion, not a slow query", () => {
    assert.deepEqual(scan('sqlalchemy.exc.TimeoutError: QueuePool limit of size 10 overflow 20 reached, connection timed out, timeout 30.00'), [
      'connection_pool_exhaustion',
    ]);
  });

  test('matched lines are redacted and truncated', () => {
    const [m] = scanLog(`could not connect to server postgres://radar:s3cret@db ${'x'.repeat(400)}`, target, (t) =>
      t.replaceAll('s3cret', '[REDACTED]'),
    );
    assert.ok(m && !m.line.includes('s3cret') && m.line.length <= 241);
  });
});

describe('countSlices', () => {
  test('a missing ready condition means ready; dual-stack slices count a pod once', () => {
    const ep = (name: string, ready?: boolean) => ({
      addresses: ['x'],
      targetRef: { kind: 'Pod', name },
      ...(ready === undefined ? {} : { conditions: { ready } }),
    });
    const slices = [
      { addressType: 'IPv4', endpoints: [ep('a'), ep('b', false)] },
      { addressType: 'IPv6', endpoints: [ep('a', true), ep('b', false)] },
    ] as V1EndpointSlice[];
    assert.deepEqual(countSlices(slices), { ready: 1, notReady: 1 });
  });
});

describe('podFacts restart window', () => {
  const now = Date.parse('2025-11-18T12:00:00Z');
  const pod = (startTime: string, finishedAt: string, restartCount: number): V1Pod => ({
    metadata: { name: 'p' },
    status: {
      phase: 'Running',
      startTime: new Date(startTime),
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        {
          name: 'api',
          image: 'i',
          imageID: '',
          ready: true,
          restartCount,
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: new Date(finishedAt) } },
        },
      ],
    },
  });
  test('all restarts are recent when the pod started inside the window', () => {
    assert.equal(podFacts(pod('2025-11-18T11:50:00Z', '2025-11-18T11:55:00Z', 4), now, 1_800_000).restartsRecent, 4);
  });
  test('an old pod whose last crash is inside the window counts at least one', () => {
    const facts = podFacts(pod('2025-11-17T00:00:00Z', '2025-11-18T11:55:00Z', 9), now, 1_800_000);
    assert.equal(facts.restartsRecent, 1);
    assert.equal(facts.failing, true);
  });
  test('a crash before the window is history, not a recent restart', () => {
    const facts = podFacts(pod('2025-11-17T00:00:00Z', '2025-11-18T10:00:00Z', 9), now, 1_800_000);
    assert.equal(facts.restartsRecent, 0);
    assert.equal(facts.failing, false);
  });
});
