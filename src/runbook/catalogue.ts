/**
 * The runbook's cause catalogue, one row per cause: its runbook section, the resolution steps written as the
 * commands an on-call engineer would run (placeholders filled in by the finding builder), the failure family that
 * decides which incident it joins, whether it is a root cause or only restates the symptom, whether it means the
 * pods are unhealthy (the verify check "pods healthy, no restarts"), and the severity it usually carries.
 * Diagnosis and incidents both read this table; nothing else keeps cause metadata.
 */
import type { Finding, Severity } from '../model/types.js';

/** Failure families: one open incident per service and family, so related causes share an incident. */
export type Family = 'availability' | 'errors' | 'latency' | 'other';
export const FAMILIES: readonly Family[] = ['availability', 'errors', 'latency', 'other'];

/** What the API itself shows (the severity table's rows); every other cause is a candidate explanation of these. */
export type Symptom = 'api_outage' | 'high_error_rate' | 'high_latency' | 'endpoint_failure';

export interface CauseEntry {
  runbook: string;
  actions: readonly string[];
  family: Family;
  /** `symptom`: only restates what was seen ("the API is down"); an incident holding nothing else is INVESTIGATING */
  role: 'root' | 'symptom';
  /** restart / readiness causes: while any is present the verify check "pods healthy, no restarts" fails */
  podHealth: boolean;
  /** what a finding of this cause carries unless its raiser knows better (most do: the severity table decides) */
  severity: Severity;
  /**
   * A root cause's reach: the API symptoms it can account for. Present beside one of them it carries that symptom's
   * severity (and so leads it); a dependency's cause (database, provider) explaining none has no impact on the API
   * (≤ P3). Providers explain only when correlation singles them out (diagnosis/correlate.ts).
   */
  explains?: readonly Symptom[];
  /** the same cause seen from another side, with its own runbook pointer and actions (chosen by whoever raises it) */
  variants?: Readonly<Record<string, { runbook: string; actions: readonly string[] }>>;
}

/** Scenario 2's External Service Failures, one row per provider: only the URL to check differs. */
function externalFailure(url: '{openaiUrl}' | '{githubUrl}') {
  return {
    family: 'errors',
    role: 'root',
    podHealth: false,
    severity: 'P3',
    runbook: 'Scenario 2 › External Service Failures (OpenAI, GitHub)',
    explains: ['endpoint_failure', 'high_error_rate', 'api_outage'],
    actions: [`curl -I ${url}`, 'Degrade gracefully: disable the affected feature temporarily', 'Increase retry limits / timeouts'],
  } as const satisfies CauseEntry;
}

export const CAUSES = {
  api_outage: {
    family: 'availability',
    role: 'symptom',
    podHealth: false,
    severity: 'P0',
    runbook: 'Scenario 1 › Complete API Outage',
    actions: [
      'kubectl get pods -n {ns} -l {selector}',
      'kubectl describe pods -n {ns} -l {selector}',
      'kubectl logs -n {ns} -l {selector} --tail=100',
      'kubectl rollout undo deployment/{deployment} -n {ns}   # if it started after a deploy',
    ],
  },
  db_connection_failure: {
    family: 'availability',
    role: 'root',
    podHealth: false,
    severity: 'P0',
    runbook: 'Scenario 1 › Database Connection Failure',
    // a database refusing the API fails it everywhere; one endpoint failing alone is not that
    explains: ['api_outage', 'high_error_rate'],
    variants: {
      // The API answers, so its own connection works: what failed is the probe's DATABASE_URL or its network path.
      'probe-side': {
        runbook: "Scenario 1 › Database Connection Failure (the probe's own connection)",
        actions: [
          "kubectl get secret radar-probe-secrets -n {ns} -o jsonpath='{.data.DATABASE_URL}' | base64 -d   # the probe's user, password, host, sslmode",
          'kubectl run -it --rm db-test --image=postgres:14 --restart=Never -n {ns} -- psql "${PROBE_DATABASE_URL}" -c "SELECT 1;"   # fails here too: credentials; works: the probe\'s network policy',
          'kubectl get networkpolicy -n {ns} -o wide   # the probe pods need egress to the database port',
        ],
      },
    },
    actions: [
      "kubectl get secret deeptech-secrets -n {ns} -o jsonpath='{.data.database-url}' | base64 -d",
      'kubectl run -it --rm db-test --image=postgres:14 --restart=Never -n {ns} -- psql "${DATABASE_URL}" -c "SELECT 1;"',
      'kubectl create secret generic deeptech-secrets --from-literal=database-url="${CORRECT_DATABASE_URL}" --namespace={ns} --dry-run=client -o yaml | kubectl apply -f -',
      'kubectl rollout restart deployment/{deployment} -n {ns}',
    ],
  },
  image_pull_failure: {
    family: 'availability',
    role: 'root',
    podHealth: true,
    severity: 'P0',
    runbook: 'Scenario 1 › Image Pull Failure',
    explains: ['api_outage'],
    actions: [
      'kubectl describe pod {pod} -n {ns} | grep Image',
      'kubectl get secret -n {ns}',
      'kubectl set image deployment/{deployment} {container}={image} -n {ns}',
    ],
  },
  oom_killed: {
    family: 'availability',
    role: 'root',
    podHealth: true,
    severity: 'P0',
    runbook: 'Scenario 1 › Out of Memory / Resource Constraints',
    explains: ['api_outage', 'high_error_rate', 'high_latency'],
    actions: [
      'kubectl top pods -n {ns} -l {selector}',
      'kubectl edit deployment {deployment} -n {ns}   # raise resources.limits.memory to "1Gi" or higher',
      'kubectl describe nodes | grep -A 5 "Allocated resources"',
    ],
  },
  crash_loop: {
    family: 'availability',
    role: 'root',
    podHealth: true,
    severity: 'P0',
    runbook: 'Scenario 1 › Complete API Outage',
    explains: ['api_outage', 'high_error_rate'],
    actions: [
      'kubectl logs -n {ns} -l {selector} --previous --tail=100',
      'kubectl describe pods -n {ns} -l {selector}',
      'kubectl rollout undo deployment/{deployment} -n {ns}',
    ],
  },
  no_ready_endpoints: {
    family: 'availability',
    role: 'root',
    podHealth: true,
    severity: 'P0',
    runbook: 'Scenario 1 › Complete API Outage',
    explains: ['api_outage'],
    actions: [
      'kubectl get endpoints -n {ns} {deployment}',
      'kubectl get pods -n {ns} -l {selector}',
      'kubectl describe pods -n {ns} -l {selector}',
      'kubectl rollout undo deployment/{deployment} -n {ns}',
    ],
  },
  high_error_rate: {
    family: 'errors',
    role: 'symptom',
    podHealth: false,
    severity: 'P1',
    runbook: 'Scenario 2 › High Error Rate',
    actions: ['kubectl logs -n {ns} -l {selector} --tail=500 | grep -i error', 'kubectl logs -n {ns} -l {selector} --tail=1000 | grep "500"'],
  },
  db_query_timeout: {
    family: 'errors',
    role: 'root',
    podHealth: false,
    severity: 'P2',
    runbook: 'Scenario 2 › Database Query Timeouts',
    explains: ['high_error_rate', 'high_latency'],
    actions: [
      'psql "${DATABASE_URL}" -c "SELECT pid, now() - query_start AS duration, query FROM pg_stat_activity WHERE state = \'active\' AND now() - query_start > interval \'5 seconds\' ORDER BY duration DESC;"',
      'psql "${DATABASE_URL}" -c "SELECT pg_terminate_backend(${PID});"   # PID from the list above, only if it is safe to kill',
      'Review query plans with EXPLAIN ANALYZE and add missing indexes',
      'kubectl edit deployment {deployment} -n {ns}   # temporarily add env DATABASE_QUERY_TIMEOUT: "60"',
    ],
  },
  external_openai_failure: externalFailure('{openaiUrl}'),
  external_github_failure: externalFailure('{githubUrl}'),
  github_rate_limited: {
    family: 'errors',
    role: 'root',
    podHealth: false,
    severity: 'P2',
    runbook: 'GitHub Rate Limit runbook (GITHUB_RATE_LIMIT.md)',
    explains: ['endpoint_failure', 'high_error_rate', 'api_outage'],
    actions: [
      'curl -s -H "Authorization: Bearer $GITHUB_TOKEN" {githubUrl}/rate_limit',
      'Pause GitHub-backed jobs until x-ratelimit-reset; use an authenticated token or a GitHub App',
    ],
  },
  high_latency: {
    family: 'latency',
    role: 'symptom',
    podHealth: false,
    severity: 'P2',
    runbook: 'Scenario 3 › Slow Response Times',
    actions: [
      'ab -n 100 -c 10 {target}/v1/papers?limit=10',
      'kubectl top pods -n {ns} -l {selector}',
      'kubectl logs -n {ns} -l {selector} | grep "connection pool"',
    ],
  },
  db_slow_statements: {
    family: 'latency',
    role: 'root',
    podHealth: false,
    severity: 'P2',
    runbook: 'Scenario 3 › Database Slow Queries',
    explains: ['high_latency'],
    actions: [
      'psql "${DATABASE_URL}" -c "SELECT query, mean_exec_time, calls FROM pg_stat_statements ORDER BY mean_exec_time DESC LIMIT 10;"',
      'Review EXPLAIN (ANALYZE, BUFFERS) plans of the top statements; add indexes where needed',
    ],
  },
  connection_pool_exhaustion: {
    family: 'latency',
    role: 'root',
    podHealth: false,
    severity: 'P1',
    runbook: 'Scenario 3 › Connection Pool Exhaustion',
    explains: ['api_outage', 'high_error_rate', 'high_latency'],
    actions: [
      'kubectl edit deployment {deployment} -n {ns}   # env DB_POOL_SIZE: "20", DB_MAX_OVERFLOW: "40"',
      'kubectl scale deployment/{deployment} -n {ns} --replicas=4',
    ],
  },
  cpu_saturation: {
    family: 'latency',
    role: 'root',
    podHealth: false,
    severity: 'P2',
    runbook: 'Scenario 3 › Insufficient CPU',
    explains: ['high_latency'],
    actions: [
      'kubectl top pods -n {ns} -l {selector}',
      'kubectl edit deployment {deployment} -n {ns}   # raise resources.limits.cpu to "1000m" or higher',
      'kubectl scale deployment/{deployment} -n {ns} --replicas=4',
    ],
  },
  endpoint_failure: {
    family: 'errors',
    role: 'symptom',
    podHealth: false,
    severity: 'P3',
    runbook: 'Scenario 4 › Specific Endpoint Failure',
    actions: [
      'curl -v "{target}{path}"',
      'kubectl logs -n {ns} -l {selector} | grep "{pathOnly}"',
      'Deploy a hotfix, or disable the endpoint temporarily if it is critical',
    ],
  },
  /**
   * A sharded load run's merged figures broke one of its own thresholds (the user's gate, e.g. `p(95)<300`). It
   * restates what the run measured; the runbook's severity bands for the same figures are judged as high_latency.
   */
  load_threshold_failed: {
    family: 'latency',
    role: 'symptom',
    podHealth: false,
    severity: 'P3',
    runbook: 'Scenario 3 › Slow Response Times',
    actions: [
      'Read the merged verdict: GET /api/load-runs/{run} on the daemon (thresholds, each shard, missing shards)',
      'ab -n 100 -c 10 {target}/v1/papers?limit=10',
      'kubectl top pods -n {ns} -l {selector}',
    ],
  },
  /**
   * Not in the runbook's scenarios: an expired certificate is an outage for every verifying client (Scenario 1's
   * symptoms), one about to expire is a chore with a deadline. The probe sets the severity (P3 within the warning,
   * P1 expired or untrusted); it explains no symptom itself, so beside an outage the outage's P0 leads (worst wins).
   */
  tls_certificate_expiring: {
    family: 'availability',
    role: 'root',
    podHealth: false,
    severity: 'P3',
    runbook: 'TLS Certificate Expiry (beside Scenario 1 › Complete API Outage)',
    actions: [
      'echo | openssl s_client -connect {host}:{port} -servername {host} 2>/dev/null | openssl x509 -noout -dates -subject -issuer',
      'kubectl -n {ns} get certificate   # cert-manager: READY, the secret each writes, and its renewal time',
      'kubectl -n {ns} describe certificate   # why a renewal did not happen: the issuer, the ACME order and challenge',
      'kubectl -n {ns} get ingress -o wide   # which TLS secret the ingress serves for {host}',
    ],
  },
  /** a severity reported without any diagnosed cause (incidents API); it restates the symptom by definition */
  unclassified: {
    family: 'other',
    role: 'symptom',
    podHealth: false,
    severity: 'P3',
    runbook: 'Initial Response › Step 1: Assess Severity',
    actions: [],
  },
} as const satisfies Record<string, CauseEntry>;

export type CauseId = keyof typeof CAUSES;

export function isCauseId(cause: string): cause is CauseId {
  return Object.hasOwn(CAUSES, cause);
}

/** A cause outside the table was named by whoever reported it (the incidents API): a root cause of family `other`. */
function entryOf(cause: string): CauseEntry | undefined {
  return isCauseId(cause) ? CAUSES[cause] : undefined;
}

export function familyOf(cause: string): Family {
  return entryOf(cause)?.family ?? 'other';
}

export function isRootCause(cause: string): boolean {
  return (entryOf(cause)?.role ?? 'root') === 'root';
}

export function isPodHealthCause(cause: string): boolean {
  return entryOf(cause)?.podHealth ?? false;
}

export function groupByFamily<F extends Finding>(findings: readonly F[]): Map<Family, F[]> {
  const groups = new Map<Family, F[]>();
  for (const finding of findings) {
    const family = familyOf(finding.cause);
    const list = groups.get(family) ?? [];
    list.push(finding);
    groups.set(family, list);
  }
  return groups;
}
