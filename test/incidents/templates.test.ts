import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { familyOf, isRootCause } from '../../src/runbook/catalogue.js';
import { cleanReport } from '../../src/incidents/report-input.js';
import { durationWords, renderTemplate } from '../../src/incidents/templates.js';
import { verifyFailures } from '../../src/incidents/verify.js';
import type { RunReport } from '../../src/model/types.js';
import { finding, latency, report } from './helpers.js';

describe('templates, families, verification', () => {
  test('durations read like the runbook: "X hours Y minutes"', () => {
    assert.equal(durationWords(0), '0 hours 0 minutes');
    assert.equal(durationWords(61 * 60_000), '1 hour 1 minute');
    assert.equal(durationWords((2 * 60 + 35) * 60_000 + 59_000), '2 hours 35 minutes');
  });

  test('causes map to families; unknown causes go to "other"', () => {
    assert.equal(familyOf('db_connection_failure'), 'availability');
    assert.equal(familyOf('external_openai_failure'), 'errors');
    assert.equal(familyOf('github_rate_limited'), 'errors');
    assert.equal(familyOf('connection_pool_exhaustion'), 'latency');
    assert.equal(familyOf('disk_full'), 'other');
    assert.equal(isRootCause('api_outage'), false);
    assert.equal(isRootCause('oom_killed'), true);
  });

  test('the INCIDENT block is drawn exactly as in the runbook', () => {
    const text = renderTemplate('INCIDENT', { Status: 'INVESTIGATING', Severity: 'P1' }, [finding('high_error_rate', 'P1')]);
    assert.equal(text.split('\n').slice(0, 4).join('\n'), 'INCIDENT\n--------\nStatus: INVESTIGATING\nSeverity: P1');
    assert.match(text, /Findings and runbook actions:\n- \[P1\] high_error_rate: /);
  });

  test('verification: error rate < 1 %, p95 < 300 ms, no restart/readiness findings', () => {
    assert.deepEqual(verifyFailures(report([], { latency: latency(120, 0.005) })), []);
    assert.match(verifyFailures(report([], { latency: latency(120, 0.01) }))[0], /error rate 1.00 %/);
    assert.match(verifyFailures(report([], { latency: latency(300, 0) }))[0], /p95 300.0 ms/);
    assert.match(verifyFailures(report([finding('crash_loop', 'P3')]))[0], /crash_loop/);
    assert.deepEqual(verifyFailures(report([])), [], 'no latency block: only findings count');
  });

  test('malformed reports never throw: bad findings are dropped, a bare severity becomes "unclassified"', () => {
    const bad = { ...report([]), severity: 'P2', findings: [null, { cause: 'x', severity: 'P9' }, { cause: 7 }] } as unknown as RunReport;
    const clean = cleanReport(bad);
    assert.equal(clean.dropped.length, 3);
    assert.deepEqual(
      clean.findings.map((f) => `${f.cause}:${f.severity}`),
      ['unclassified:P2'],
    );
    assert.deepEqual(cleanReport({} as RunReport).findings, []);
  });
});
