/** The human report says how sure each verdict is. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatHuman, PLAIN } from '../../src/report/human.js';
import { sampleReport } from './fixtures.js';

test('a finding with a confidence shows its level and basis under the runbook line', () => {
  const report = sampleReport({
    findings: [
      {
        cause: 'high_error_rate',
        severity: 'P3',
        summary: 'error rate 2.0 % of 600 sampled requests (95 % interval 1.1 %–3.5 %)',
        evidence: [],
        runbook: 'Scenario 2 › High Error Rate',
        actions: [],
        confidence: {
          level: 'high',
          source: 'samples',
          samples: 600,
          failures: 12,
          errorRate: 0.02,
          interval: { low: 0.0115, high: 0.0346 },
          basis: '95 % interval 1.1 %–3.5 % over 600 requests, all of it in the P3 band',
        },
      },
    ],
  });
  const text = formatHuman(report, PLAIN);
  assert.match(
    text,
    /runbook: Scenario 2 › High Error Rate\n\s+confidence high: 95 % interval 1\.1 %–3\.5 % over 600 requests, all of it in the P3 band\n/,
  );
});
