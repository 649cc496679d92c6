/**
 * The runbook's diagnosis table: each cause names its runbook section and the resolution steps, written as the
 * commands an on-call engineer would run, with namespace, deployment and label filled in from config.
 */
import type { Config } from '../config/schema.js';
import type { Finding, Severity } from '../model/types.js';

export interface CauseEntry {
  runbook: string;
  actions: readonly string[];
}

export const CAUSES = {
  api_outage: {
    runbook: 'Scenario 1 › Complete API Outage',
    actions: [
      'kubectl get pods -n {ns} -l {selector}',
      'kubectl describe pods -n {ns} -l {selector}',
      'kubectl logs -n {ns} -l {selector} --tail=100',
      'kubectl rollout undo deployment/{deployment} -n {ns}   # if it started after a deploy',
    ],
  },
  db_connection_failure: {
    runbook: 'Scenario 1 › Database Connection Failure',
    actions: [
      "kubectl get secret deeptech-secrets -n {ns} -o jsonpath='{.data.database-url}' | base64 -d",
      'kubectl run -it --rm db-test --image=postgres:14 --restart=Never -n {ns} -- psql "${DATABASE_URL}" -c "SELECT 1;"',
      'kubectl create secret generic deeptech-secrets --from-literal=database-url="${CORRECT_DATABASE_URL}" --namespace={ns} --dry-run=client -o yaml | kubectl apply -f -',
      'kubectl rollout restart deployment/{deployment} -n {ns}',
    ],
  },
  image_pull_failure: {
    runbook: 'Scenario 1 › Image Pull Failure',
    actions: [
      'kubectl describe pod {pod} -n {ns} | grep Image',
      'kubectl get secret -n {ns}',
      'kubectl set image deployment/{deployment} {container}={image} -n {ns}',
    ],
  },
  oom_killed: {
    runbook: 'Scenario 1 › Out of Memory / Resource Constraints',
    actions: [
      'kubectl top pods -n {ns} -l {selector}',
      'kubectl edit deployment {deployment} -n {ns}   # raise resources.limits.memory to "1Gi" or higher',
      'kubectl describe nodes | grep -A 5 "Allocated resources"',
    ],
  },
  crash_loop: {
    runbook: 'Scenario 1 › Complete API Outage',
    actions: [
      'kubectl logs -n {ns} -l {selector} --previous --tail=100',
      'kubectl describe pods -n {ns} -l {selector}',
      'kubectl rollout undo deployment/{deployment} -n {ns}',
    ],
  },
  no_ready_endpoints: {
    runbook: 'Scenario 1 › Complete API Outage',
    actions: [
      'kubectl get endpoints -n {ns} {deployment}',
      'kubectl get pods -n {ns} -l {selector}',
      'kubectl describe pods -n {ns} -l {selector}',
      'kubectl rollout undo deployment/{deployment} -n {ns}',
    ],
  },
  high_error_rate: {
    runbook: 'Scenario 2 › High Error Rate',
    actions: [
      'kubectl logs -n {ns} -l {selector} --tail=500 | grep -i error',
      'kubectl logs -n {ns} -l {selector} --tail=1000 | grep "500"',
    ],
  },
  db_query_timeout: {
    runbook: 'Scenario 2 › Database Query Timeouts',
    actions: [
      "psql \"${DATABASE_URL}\" -c \"SELECT pid, now() - query_start AS duration, query FROM pg_stat_activity WHERE state = 'active' AND now() - query_start > interval '5 seconds' ORDER BY duration DESC;\"",
      'psql "${DATABASE_URL}" -c "SELECT pg_terminate_backend(<pid>);"   # only if it is safe to kill',
      'Review query plans with EXPLAIN ANALYZE and add missing indexes',
      'kubectl edit deployment {deployment} -n {ns}   # temporarily add env DATABASE_QUERY_TIMEOUT: "60"',
    ],
  },
  external_openai_failure: {
    runbook: 'Scenario 2 › External Service Failures (OpenAI, GitHub)',
    actions: ['curl -I https://api.openai.com/', 'Degrade gracefully: disable the affected feature temporarily', 'Increase retry limits / timeouts'],
  },
  external_github_failure: {
    runbook: 'Scenario 2 › External Service Failures (OpenAI, GitHub)',
    actions: ['curl -I https://api.github.com/', 'Degrade gracefully: disable the affected feature temporarily', 'Increase retry limits / timeouts'],
  },
  github_rate_limited: {
    runbook: 'GitHub Rate Limit runbook (GITHUB_RATE_LIMIT.md)',
    actions: [
      'curl -s -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com/rate_limit',
      'Pause GitHub-backed jobs until x-ratelimit-reset; use an authenticated token or a GitHub App',
    ],
  },
  high_latency: {
    runbook: 'Scenario 3 › Slow Response Times',
    actions: [
      'ab -n 100 -c 10 {target}/v1/papers?limit=10',
      'kubectl top pods -n {ns} -l {selector}',
      'kubectl logs -n {ns} -l {selector} | grep "connection pool"',
    ],
  },
  db_slow_statements: {
    runbook: 'Scenario 3 › Database Slow Queries',
    actions: [
      'psql "${DATABASE_URL}" -c "SELECT query, mean_exec_time, calls FROM pg_stat_statements ORDER BY mean_exec_time DESC LIMIT 10;"',
      'Review EXPLAIN (ANALYZE, BUFFERS) plans of the top statements; add indexes where needed',
    ],
  },
  connection_pool_exhaustion: {
    runbook: 'Scenario 3 › Connection Pool Exhaustion',
    actions: [
      'kubectl edit deployment {deployment} -n {ns}   # env DB_POOL_SIZE: "20", DB_MAX_OVERFLOW: "40"',
      'kubectl scale deployment/{deployment} -n {ns} --replicas=4',
    ],
  },
  cpu_saturation: {
    runbook: 'Scenario 3 › Insufficient CPU',
    actions: [
      'kubectl top pods -n {ns} -l {selector}',
      'kubectl edit deployment {deployment} -n {ns}   # raise resources.limits.cpu to "1000m" or higher',
      'kubectl scale deployment/{deployment} -n {ns} --replicas=4',
    ],
  },
  endpoint_failure: {
    runbook: 'Scenario 4 › Specific Endpoint Failure',
    actions: [
      'curl -v "{target}{path}"',
      'kubectl logs -n {ns} -l {selector} | grep "{pathOnly}"',
      'Deploy a hotfix, or disable the endpoint temporarily if it is critical',
    ],
  },
} as const satisfies Record<string, CauseEntry>;

export type CauseId = keyof typeof CAUSES;

export interface FindingInput {
  severity: Severity;
  summary: string;
  evidence?: string[];
  /** extra placeholders for the actions, e.g. { path: '/v1/papers/near?…' } */
  vars?: Record<string, string>;
  /** actions beyond the catalogue's, placed first (e.g. the exact pid to terminate) */
  extraActions?: string[];
}

/** Fills `{ns}`, `{deployment}`, `{selector}`, `{container}`, `{image}`, `{target}` and any extra vars. */
export function fillPlaceholders(text: string, vars: Record<string, string>): string {
  return text.replace(/\{([a-zA-Z]+)\}/g, (whole, key: string) => vars[key] ?? whole);
}

export function makeFinding(config: Config, cause: CauseId, input: FindingInput): Finding {
  const entry: CauseEntry = CAUSES[cause];
  const vars: Record<string, string> = {
    ns: config.kubernetes.namespace ?? 'default',
    deployment: config.kubernetes.deployment,
    selector: config.kubernetes.selector,
    container: config.kubernetes.container,
    image: config.kubernetes.image,
    pod: '<pod-name>',
    target: config.target.replace(/\/$/, ''),
    ...input.vars,
  };
  return {
    cause,
    severity: input.severity,
    summary: input.summary,
    evidence: input.evidence ?? [],
    runbook: entry.runbook,
    actions: [...(input.extraActions ?? []), ...entry.actions.map((a) => fillPlaceholders(a, vars))],
  };
}
