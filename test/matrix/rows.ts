/**
 * The fault matrix: fault × scenario → the verdict an on-call engineer should get, one row per line.
 *
 * Expected values come from the runbook, not from what the code printed: the severity table (DESIGN.md) —
 *   P0 health failing and every endpoint failing, or no ready pod / no ready endpoint address;
 *   P1 error rate > 50 % or p95 > 5 s;  P2 error rate 10–50 % or p95 > 1 s;
 *   P3 one endpoint failing while the others are fine, or error rate ≥ 1 %, or p95 > 500 ms —
 * (the table wins over Scenario 2's "20–50 % is P1"), and the runbook's scenarios for the leading cause. A dead API
 * (503, refused, reset, hung, answers nobody can use) is a complete outage: P0 api_outage, whatever the scenario.
 * A dependency failing while the API is healthy has no impact on the API: at most P3.
 *
 * Columns: simulated API fault (src/demo/faults.ts) · scenario · exit code · severity · leading cause
 * (findings[0].cause) · options: kube (Kubernetes stand-in state), openai/github (stand-in mode), db (PostgreSQL
 * condition), args (extra CLI flags), maxMs (the run must answer within), todo (the issue item whose fix the row
 * waits for: the row runs, and is reported instead of failing the suite, until that fix removes the todo).
 * Scenarios with a load run get `--amount 10 --connections 10` (one wave) so the matrix stays fast.
 */
import type { ScenarioName as KubeState } from '../helpers/kube-apiserver.js';
import type { ProviderMode } from '../helpers/providers.js';
import type { Severity } from '../../src/model/types.js';

export type Scenario = 'assess' | 'outage' | 'errors' | 'latency' | 'endpoint' | 'verify' | 'smoke';

export interface RowOptions {
  kube?: KubeState;
  openai?: ProviderMode;
  github?: ProviderMode;
  /** false: no OpenAI key configured */
  openaiKey?: false;
  db?: 'down' | 'wrong-password' | 'long-query' | 'slow-history';
  /** 'kubeconfig': the namespace is not configured; it comes from the kubeconfig context (as kubectl does) */
  namespaceFrom?: 'kubeconfig';
  args?: string[];
  maxMs?: number;
  todo?: string;
}

export interface Row extends RowOptions {
  fault: string;
  scenario: Scenario;
  exit: 0 | 1 | 2 | 3;
  severity: Severity | null;
  cause: string | null;
}

const row = (
  fault: string,
  scenario: Scenario,
  exit: Row['exit'],
  severity: Severity | null,
  cause: string | null,
  options: RowOptions = {},
): Row => ({ fault, scenario, exit, severity, cause, ...options });

/** the CronJob's bound: every scenario answers within it, counting what it saw (issue 12 item 4) */
const dead = { args: ['--timeout', '2s'], maxMs: 3_000 };
const ALL: Scenario[] = ['assess', 'outage', 'errors', 'latency', 'endpoint', 'verify', 'smoke'];

export const ROWS: Row[] = [
  // a healthy API and healthy dependencies: no finding in any scenario (acceptance 3)
  ...ALL.map((s) => row('none', s, 0, null, null)),
  // 503 everywhere: complete outage
  ...ALL.map((s) => row('outage', s, 1, 'P0', 'api_outage')),
  // error rates, banded by the table
  row('errors=0.005', 'errors', 0, null, null),
  row('errors=0.005', 'verify', 0, null, null),
  row('errors=0.02', 'errors', 1, 'P3', 'high_error_rate'),
  row('errors=0.02', 'verify', 1, 'P3', 'high_error_rate'),
  row('errors=0.15', 'errors', 1, 'P2', 'high_error_rate'),
  row('errors=0.15', 'outage', 1, 'P2', 'high_error_rate'),
  row('errors=0.15', 'latency', 1, 'P2', 'high_error_rate'),
  row('errors=0.3', 'errors', 1, 'P2', 'high_error_rate'),
  row('errors=0.3', 'outage', 1, 'P2', 'high_error_rate'),
  row('errors=0.3', 'latency', 1, 'P2', 'high_error_rate'),
  row('errors=0.3', 'verify', 1, 'P2', 'high_error_rate'),
  row('errors=0.6', 'errors', 1, 'P1', 'high_error_rate'),
  row('errors=0.6', 'outage', 1, 'P1', 'high_error_rate'),
  row('errors=0.6', 'latency', 1, 'P1', 'high_error_rate'),
  row('errors=0.6', 'endpoint', 1, 'P1', 'high_error_rate'),
  // sampled enough to resolve the table's 1 % band, and read service-wide however the failures fall (items 3, 9)
  row('errors=0.05', 'errors', 1, 'P3', 'high_error_rate'),
  row('errors=0.08', 'verify', 1, 'P3', 'high_error_rate'),
  row('errors=0.12', 'errors', 1, 'P2', 'high_error_rate'),
  row('errors=0.4', 'outage', 1, 'P2', 'high_error_rate'),
  row('errors=0.4', 'endpoint', 1, 'P2', 'high_error_rate'),
  row('errors=0.6', 'verify', 1, 'P1', 'high_error_rate'),
  row('errors=0.75', 'outage', 1, 'P1', 'high_error_rate'),
  // every API endpoint failing while /health passes: service-wide (> 50 % → P1), never "one endpoint" nor P0 (item 12)
  row('api-fail', 'assess', 0, null, null),
  row('api-fail', 'outage', 1, 'P1', 'high_error_rate'),
  row('api-fail', 'errors', 1, 'P1', 'high_error_rate'),
  row('api-fail', 'endpoint', 1, 'P1', 'high_error_rate'),
  row('api-fail', 'latency', 1, 'P1', 'high_error_rate'),
  row('api-fail', 'smoke', 1, 'P1', 'high_error_rate'),
  // slow answers, banded by p95
  row('latency=600', 'assess', 1, 'P3', 'high_latency'),
  row('latency=600', 'outage', 1, 'P3', 'high_latency'),
  row('latency=600', 'errors', 1, 'P3', 'high_latency'),
  row('latency=600', 'latency', 1, 'P3', 'high_latency'),
  row('latency=600', 'endpoint', 1, 'P3', 'high_latency'),
  row('latency=600', 'verify', 1, 'P3', 'high_latency'),
  row('latency=600', 'smoke', 1, 'P3', 'high_latency'),
  row('latency=1100', 'assess', 1, 'P2', 'high_latency'),
  row('latency=1100', 'errors', 1, 'P2', 'high_latency'),
  row('latency=1100', 'latency', 1, 'P2', 'high_latency'),
  row('latency=1100', 'smoke', 1, 'P2', 'high_latency'),
  row('latency=1500', 'outage', 1, 'P2', 'high_latency'),
  row('latency=1500', 'errors', 1, 'P2', 'high_latency'),
  // the run's own budget cuts samples: they are abandoned, not the API's errors (item 2)
  row('latency=1200', 'errors', 1, 'P2', 'high_latency', { args: ['--timeout', '3s'] }),
  row('latency=1300', 'outage', 1, 'P2', 'high_latency', { args: ['--timeout', '3s'] }),
  row('latency=1400', 'endpoint', 1, 'P2', 'high_latency', { args: ['--timeout', '2s'] }),
  row('latency=1500', 'latency', 1, 'P2', 'high_latency'),
  row('latency=1500', 'endpoint', 1, 'P2', 'high_latency'),
  row('latency=1500', 'verify', 1, 'P2', 'high_latency'),
  row('latency=6000', 'assess', 1, 'P1', 'high_latency'),
  row('latency=6000', 'outage', 1, 'P1', 'high_latency'),
  row('latency=6000', 'latency', 1, 'P1', 'high_latency'),
  row('latency=6000', 'smoke', 1, 'P1', 'high_latency'),
  // accepted and never answered (the CronJob's --timeout 2s), and once with no --timeout at all
  ...ALL.map((s) => row('hang', s, 1, 'P0', 'api_outage', dead)),
  row('hang', 'latency', 1, 'P0', 'api_outage', { maxMs: 15_000 }),
  // every connection reset
  ...ALL.map((s) => row('reset', s, 1, 'P0', 'api_outage')),
  // 64 MiB bodies: nothing usable comes back
  ...(['assess', 'outage', 'latency', 'endpoint', 'smoke'] as const).map((s) => row('huge-body', s, 1, 'P0', 'api_outage')),
  // 200 application/json with a truncated body
  ...(['assess', 'outage', 'endpoint', 'smoke', 'latency'] as const).map((s) => row('invalid-json', s, 1, 'P0', 'api_outage')),
  // only /v1/papers/near fails (Scenario 4)
  row('near-fail', 'assess', 0, null, null),
  row('near-fail', 'outage', 1, 'P3', 'endpoint_failure'),
  row('near-fail', 'errors', 1, 'P3', 'endpoint_failure'),
  row('near-fail', 'latency', 0, null, null),
  row('near-fail', 'endpoint', 1, 'P3', 'endpoint_failure'),
  row('near-fail', 'verify', 1, 'P3', 'endpoint_failure'),
  row('near-fail', 'smoke', 1, 'P3', 'endpoint_failure'),
  // Kubernetes: no ready pod is P0 and the pod's own cause leads (the API behind it answers 503, as an ingress would)
  row('outage', 'assess', 1, 'P0', 'oom_killed', { kube: 'crashloop-oom' }),
  row('outage', 'outage', 1, 'P0', 'oom_killed', { kube: 'crashloop-oom' }),
  row('outage', 'errors', 1, 'P0', 'oom_killed', { kube: 'crashloop-oom' }),
  row('outage', 'verify', 1, 'P0', 'oom_killed', { kube: 'crashloop-oom' }),
  row('outage', 'assess', 1, 'P0', 'image_pull_failure', { kube: 'imagepull-notfound' }),
  row('outage', 'outage', 1, 'P0', 'image_pull_failure', { kube: 'imagepull-notfound' }),
  row('outage', 'outage', 1, 'P0', 'db_connection_failure', { kube: 'crashloop-pg-hba' }),
  row('outage', 'assess', 1, 'P0', 'no_ready_endpoints', { kube: 'no-ready-endpoints' }),
  row('outage', 'outage', 1, 'P0', 'no_ready_endpoints', { kube: 'no-ready-endpoints' }),
  // CPU at its limit explains slow answers (Scenario 3 › Insufficient CPU), not a complete outage
  row('latency=1500', 'latency', 1, 'P2', 'cpu_saturation', { kube: 'cpu-saturated' }),
  row('outage', 'latency', 1, 'P0', 'api_outage', { kube: 'cpu-saturated' }),
  // crash-looping pods behind an API that still answers (another replica set serves): pod health whatever the scenario
  row('none', 'errors', 1, 'P0', 'oom_killed', { kube: 'crashloop-oom' }),
  row('none', 'latency', 1, 'P0', 'oom_killed', { kube: 'crashloop-oom' }),
  row('none', 'errors', 1, 'P0', 'image_pull_failure', { kube: 'imagepull-notfound' }),
  row('none', 'latency', 1, 'P0', 'image_pull_failure', { kube: 'imagepull-notfound' }),
  row('none', 'errors', 1, 'P0', 'db_connection_failure', { kube: 'crashloop-pg-hba' }),
  // the namespace comes from the kubeconfig context: every action uses it (issue 12 item 1)
  row('outage', 'outage', 1, 'P0', 'api_outage', { namespaceFrom: 'kubeconfig' }),
  row('errors=0.3', 'errors', 1, 'P2', 'high_error_rate', { namespaceFrom: 'kubeconfig' }),
  row('outage', 'assess', 1, 'P0', 'oom_killed', { kube: 'crashloop-oom', namespaceFrom: 'kubeconfig' }),
  // OpenAI / GitHub: with the API healthy a dependency has no impact (at most P3); it leads only when it explains a failure
  row('none', 'errors', 1, 'P3', 'external_openai_failure', { openai: '5xx' }),
  row('none', 'errors', 1, 'P3', 'external_openai_failure', { openai: 'hang' }),
  row('none', 'errors', 1, 'P3', 'external_openai_failure', { openai: '429' }),
  row('none', 'errors', 1, 'P3', 'external_github_failure', { github: '5xx' }),
  row('none', 'errors', 1, 'P3', 'external_github_failure', { github: 'hang' }),
  row('none', 'errors', 1, 'P3', 'github_rate_limited', { github: 'ratelimited' }),
  row('none', 'errors', 0, null, null, { openai: '401', openaiKey: false }),
  row('near-fail', 'errors', 1, 'P3', 'external_openai_failure', { openai: '5xx' }),
  row('near-fail', 'errors', 1, 'P3', 'external_openai_failure', { openai: 'hang' }),
  row('near-fail', 'errors', 1, 'P3', 'endpoint_failure', { github: '5xx' }),
  row('outage', 'errors', 1, 'P0', 'api_outage', { openai: '5xx' }),
  row('reset', 'errors', 1, 'P0', 'api_outage', { openai: '5xx' }),
  row('errors=0.3', 'errors', 1, 'P2', 'high_error_rate', { openai: '5xx' }),
  row('errors=0.6', 'errors', 1, 'P1', 'high_error_rate', { openai: '5xx' }),
  // PostgreSQL: the probe's own connection failing while the API is healthy is at most P3; with the API down it leads
  row('none', 'outage', 1, 'P3', 'db_connection_failure', { db: 'down' }),
  row('none', 'outage', 1, 'P3', 'db_connection_failure', { db: 'wrong-password' }),
  row('none', 'errors', 1, 'P3', 'db_connection_failure', { db: 'wrong-password' }),
  row('none', 'latency', 1, 'P3', 'db_connection_failure', { db: 'down' }),
  row('near-fail', 'outage', 1, 'P3', 'endpoint_failure', { db: 'wrong-password' }),
  row('outage', 'outage', 1, 'P0', 'db_connection_failure', { db: 'down' }),
  row('outage', 'outage', 1, 'P0', 'db_connection_failure', { db: 'wrong-password' }),
  row('reset', 'outage', 1, 'P0', 'db_connection_failure', { db: 'down' }),
  row('hang', 'outage', 1, 'P0', 'db_connection_failure', { db: 'down', ...dead }),
  row('errors=0.6', 'errors', 1, 'P1', 'db_connection_failure', { db: 'down' }),
  row('none', 'errors', 1, 'P3', 'db_query_timeout', { db: 'long-query' }),
  row('none', 'latency', 0, null, null, { db: 'slow-history' }),
];
