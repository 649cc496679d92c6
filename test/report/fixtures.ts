/** A run report with every kind of outcome, and text that would break XML or Markdown if not escaped. */
import type { RunReport } from '../../src/model/types.js';

export const EVIL = 'a <b> & "c" \'d\' | e ]]> \u0001 f\ng';

export function sampleReport(overrides: Partial<RunReport> = {}): RunReport {
  return {
    scenario: 'latency',
    target: 'http://127.0.0.1:8000',
    startedAt: '2024-05-01T12:00:00.000Z',
    durationMs: 2345,
    passed: false,
    severity: 'P2',
    probes: [
      { name: 'health', kind: 'http', status: 'pass', durationMs: 12.5, metrics: {} },
      {
        name: 'load',
        kind: 'load',
        status: 'fail',
        durationMs: 2100,
        metrics: {},
        error: { code: 'RP_ERR_LOAD_ABORTED', message: `aborted after 60 requests ${EVIL}` },
      },
      { name: 'db', kind: 'postgres', status: 'skipped', durationMs: 0, metrics: {}, reason: 'no DATABASE_URL configured' },
      {
        name: 'pods',
        kind: 'kubernetes',
        status: 'error',
        durationMs: 3,
        metrics: {},
        error: { code: 'RP_ERR_K8S_CONFIG', message: 'no kubeconfig' },
      },
    ],
    latency: {
      requests: 100,
      errors: 3,
      timeouts: 1,
      errorRate: 0.03,
      rps: 48.7,
      p50Ms: 201.2,
      p90Ms: 204.5,
      p95Ms: 1210.75,
      p99Ms: 1500,
      maxMs: 1600.1,
    },
    findings: [
      {
        cause: 'db_slow_statements',
        severity: 'P2',
        summary: `slow statement ${EVIL}`,
        evidence: ['mean_exec_time 950 ms'],
        runbook: 'Scenario 3 › Slow Response Times',
        actions: ['kubectl rollout restart deployment/deeptech-api -n prod'],
      },
    ],
    thresholds: [
      { expr: 'p(95)<500', ok: false, actual: 1210.75, reason: '1210.75 is not < 500' },
      { expr: 'error_rate<0.05', ok: true, actual: 0.03 },
    ],
    ...overrides,
  };
}
