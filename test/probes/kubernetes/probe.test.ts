/** The Kubernetes probe through the real client library against the API stand-in: the runbook's Scenario 1 causes. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { kubernetesProbe, type KubernetesProbeParams } from '../../../probes/kubernetes/index.js';
import { runProbe, type ProbeOutcome } from '../../../probes/types.js';
import type { Finding } from '../../../src/model/types.js';
import { testConfig, testContext } from '../../helpers/context.js';
import { startKubeApiServer, type KubeApiServer, type ScenarioName } from '../../helpers/kube-apiserver.js';

let server: KubeApiServer;

before(async () => {
  server = await startKubeApiServer('healthy');
});
after(async () => {
  await server.close();
});

async function probe(
  scenario: ScenarioName,
  options: { yaml?: string; params?: KubernetesProbeParams; namespace?: string } = {},
): Promise<ProbeOutcome> {
  const namespace = options.namespace ?? 'default';
  server.setScenario(scenario, { namespace });
  server.requests.length = 0;
  const config = testConfig(`kubernetes:\n  kubeconfig: ${JSON.stringify(server.kubeconfigPath)}\n  namespace: ${namespace}\n${options.yaml ?? ''}`);
  const ctx = testContext(config, { timeoutMs: 5_000 });
  try {
    return await runProbe(kubernetesProbe, options.params ?? {}, ctx);
  } finally {
    await ctx.close();
  }
}

const causes = (outcome: ProbeOutcome): string[] => (outcome.findings ?? []).map((f) => f.cause);
const finding = (outcome: ProbeOutcome, cause: string): Finding => {
  const found = outcome.findings?.find((f) => f.cause === cause);
  assert.ok(found, `expected a ${cause} finding, got ${causes(outcome).join(', ') || 'none'}`);
  return found;
};

describe('kubernetes probe against the API stand-in', () => {
  test('healthy deployment passes with pod, endpoint and usage figures', async () => {
    const outcome = await probe('healthy');
    assert.equal(outcome.status, 'pass', JSON.stringify(outcome.findings));
    assert.deepEqual(outcome.findings, []);
    assert.equal(outcome.metrics?.['podsReady'], 2);
    assert.equal(outcome.metrics?.['readyEndpoints'], 2);
    assert.equal(outcome.metrics?.['warningEvents'], 0);
    assert.ok(Math.abs(Number(outcome.metrics?.['cpuRatio']) - 0.24) < 1e-9);
    const names = new Set(outcome.series?.map((s) => s.name));
    for (const name of [
      'probe_k8s_pods',
      'probe_k8s_pods_ready',
      'probe_k8s_pod_restarts_recent',
      'probe_k8s_ready_endpoints',
      'probe_k8s_warning_events',
      'probe_k8s_cpu_ratio',
    ]) {
      assert.ok(names.has(name), `series ${name} missing`);
    }
    assert.equal(outcome.series?.find((s) => s.name === 'probe_k8s_pods' && s.labels?.['phase'] === 'Running')?.value, 2);
  });

  test('CrashLoopBackOff whose last termination was OOMKilled is a P0 oom_killed, not only crash_loop', async () => {
    const outcome = await probe('crashloop-oom');
    assert.equal(outcome.status, 'fail');
    const oom = finding(outcome, 'oom_killed');
    assert.equal(oom.severity, 'P0');
    assert.ok(!causes(outcome).includes('crash_loop'), 'OOM explains the crash loop');
    assert.ok(
      oom.evidence.some((e) =>
        /deeptech-api-7d9f8b6c5d-x2k4p container api: waiting CrashLoopBackOff.*last terminated OOMKilled \(exit 137\)/.test(e),
      ),
      oom.evidence.join('\n'),
    );
    assert.ok(oom.evidence.some((e) => e.includes('0/2 pods ready')));
    assert.ok(oom.actions.includes('kubectl top pods -n default -l app=deeptech-api'));
    assert.equal(oom.runbook, 'Scenario 1 › Out of Memory / Resource Constraints');
  });

  test('ImagePullBackOff with a "not found" event is image_pull_failure with kubectl set image', async () => {
    const outcome = await probe('imagepull-notfound');
    const pull = finding(outcome, 'image_pull_failure');
    assert.equal(pull.severity, 'P0');
    assert.match(pull.summary, /\(not found\).*deeptech-radar-api:v9\.9\.9/);
    assert.ok(
      pull.actions.includes('kubectl set image deployment/deeptech-api api=ghcr.io/yourorg/deeptech-radar-api:latest -n default'),
      pull.actions.join('\n'),
    );
    assert.ok(pull.evidence.some((e) => e.startsWith('event Failed on pod/') && e.includes(': not found')));
    assert.ok(!server.requests.some((r) => r.path.endsWith('/log')), 'a container that never started has no log to read');
  });

  test('crash-looping pods whose previous log has no pg_hba.conf entry are db_connection_failure in their namespace', async () => {
    const outcome = await probe('crashloop-pg-hba', { namespace: 'prod' });
    const db = finding(outcome, 'db_connection_failure');
    assert.equal(db.severity, 'P0');
    assert.ok(db.actions.includes('kubectl rollout restart deployment/deeptech-api -n prod'));
    assert.ok(db.actions.every((a) => !a.includes('{ns}')));
    assert.ok(db.evidence.some((e) => e.includes('(previous)') && e.includes('no pg_hba.conf entry for host')));
    assert.ok(!causes(outcome).includes('crash_loop'));
    const logReads = server.requests.filter((r) => r.path.endsWith('/log'));
    assert.equal(logReads.length, 2);
    assert.ok(logReads.every((r) => r.query['previous'] === 'true' && r.query['container'] === 'api' && r.query['tailLines'] === '200'));
  });

  test('without log access the same pods are a plain crash_loop, and the refusal is reported', async () => {
    const state = server.state();
    server.setScenario('crashloop-pg-hba');
    const refused = { ...server.state(), forbidden: ['pods/log' as const] };
    server.setScenario(refused);
    const config = testConfig(`kubernetes: { kubeconfig: ${JSON.stringify(server.kubeconfigPath)} }`);
    const ctx = testContext(config);
    const outcome = await runProbe(kubernetesProbe, {}, ctx);
    await ctx.close();
    server.setScenario(state);
    assert.deepEqual(causes(outcome), ['crash_loop']);
    assert.equal(finding(outcome, 'crash_loop').severity, 'P0');
    const errors = outcome.details?.['errors'] as { check: string; code: string }[];
    assert.ok(errors.some((e) => e.check === 'logs' && e.code === 'RP_ERR_K8S_FORBIDDEN'));
  });

  test('running pods that never become ready leave no ready endpoint address: P0 no_ready_endpoints', async () => {
    const outcome = await probe('no-ready-endpoints');
    assert.deepEqual(causes(outcome), ['no_ready_endpoints']);
    const f = finding(outcome, 'no_ready_endpoints');
    assert.equal(f.severity, 'P0');
    assert.ok(f.evidence.includes('endpointslices deeptech-api: 0 ready, 2 not ready'), f.evidence.join('\n'));
    assert.ok(f.evidence.some((e) => e.includes('Readiness probe failed')));
    assert.equal(outcome.metrics?.['readyEndpoints'], 0);
  });

  test('RBAC refusal is an error with RP_ERR_K8S_FORBIDDEN, status and reason', async () => {
    const outcome = await probe('forbidden');
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.error?.code, 'RP_ERR_K8S_FORBIDDEN');
    assert.match(outcome.error?.message ?? '', /HTTP 403 Forbidden: pods is forbidden: User "system:serviceaccount:default:radar-probe" cannot list/);
  });

  test('CPU near the limit is cpu_saturation (metrics check only)', async () => {
    const outcome = await probe('cpu-saturated', { params: { checks: ['metrics'] } });
    const cpu = finding(outcome, 'cpu_saturation');
    assert.equal(cpu.severity, 'P3');
    assert.match(cpu.evidence[0] ?? '', /CPU 0\.487 cores = 97% of limit/);
    assert.equal(server.requests.filter((r) => r.path.includes('/events') || r.path.includes('/log') || r.path.includes('endpoint')).length, 0);
  });

  test('an evicted pod beside healthy ones is a P3 oom_killed', async () => {
    server.setScenario('healthy');
    const state = server.state();
    const evicted = structuredClone(state.pods[0]);
    evicted.metadata = { ...evicted.metadata, name: 'deeptech-api-7d9f8b6c5d-evict' };
    evicted.status = {
      ...evicted.status,
      phase: 'Failed',
      reason: 'Evicted',
      message: 'The node was low on resource: memory.',
      containerStatuses: [],
    };
    server.setScenario({ ...state, pods: [...state.pods, evicted] });
    const config = testConfig(`kubernetes: { kubeconfig: ${JSON.stringify(server.kubeconfigPath)} }`);
    const ctx = testContext(config);
    const outcome = await runProbe(kubernetesProbe, { checks: ['pods'] }, ctx);
    await ctx.close();
    const oom = finding(outcome, 'oom_killed');
    assert.equal(oom.severity, 'P3');
    assert.ok(oom.evidence.some((e) => e.includes('Evicted: The node was low on resource: memory.')));
  });

  test('an unknown check name or a non-list is a config error, not a crash', async () => {
    for (const checks of [['pods', 'nodes'], 'pods', null]) {
      const outcome = await probe('healthy', { params: { checks } as never });
      assert.equal(outcome.status, 'error');
      assert.equal(outcome.error?.code, 'RP_ERR_CONFIG_INVALID');
    }
  });

  test('an image pull that failed before the pod came up is history, not a finding', async () => {
    server.setScenario('imagepull-notfound');
    // Same pod names in both scenarios: these events now describe pods that are running and ready.
    const pullEvents = server.state().events.filter((e) => e.message?.startsWith('Failed to pull image'));
    server.setScenario('healthy');
    server.setScenario({ ...server.state(), events: pullEvents });
    const config = testConfig(`kubernetes: { kubeconfig: ${JSON.stringify(server.kubeconfigPath)} }`);
    const ctx = testContext(config);
    const outcome = await runProbe(kubernetesProbe, {}, ctx);
    await ctx.close();
    assert.equal(outcome.status, 'pass', JSON.stringify(outcome.findings));
    assert.equal(outcome.metrics?.['warningEvents'], 2, 'still reported as events');
  });
});
