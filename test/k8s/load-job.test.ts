/** k8s/load-job/ rendered by the real kustomize: an Indexed Job of shards that post to the daemon, locked down. */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1';
import { Job, type IJob } from 'kubernetes-models/batch/v1';
import { NetworkPolicy, type INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { IService } from 'kubernetes-models/v1';
import { parseCli } from '../../src/cli/args.js';
import { kubectlMissing, oneOf, renderK8s, type K8sObject } from './rendered.js';

const MODELS: Record<string, (doc: unknown) => { validate(): void }> = {
  Job: (doc) => new Job(doc as IJob),
  ConfigMap: (doc) => new ConfigMap(doc as IConfigMap),
  NetworkPolicy: (doc) => new NetworkPolicy(doc as INetworkPolicy),
};

/** $(VAR) as the kubelet expands it from the container's env and envFrom */
function expand(text: string, env: Record<string, string>): string {
  return text.replace(/\$\(([A-Z_]+)\)/g, (whole, name: string) => env[name] ?? whole);
}

describe('k8s/load-job: sharded load run as an Indexed Job', { skip: kubectlMissing }, () => {
  let objects: K8sObject[] = [];
  let base: K8sObject[] = [];
  const job = (): IJob => oneOf<IJob>(objects, 'Job');
  const container = () => job().spec!.template.spec!.containers[0];

  before(async () => {
    [objects, base] = await Promise.all([renderK8s('k8s/load-job'), renderK8s()]);
  });

  test('renders a Job, its run settings and a NetworkPolicy, each valid against the Kubernetes schemas', () => {
    assert.deepEqual(objects.map((o) => o.kind).sort(), ['ConfigMap', 'Job', 'NetworkPolicy']);
    for (const o of objects) assert.doesNotThrow(() => MODELS[o.kind](o).validate(), `${o.kind} ${o.metadata.name}`);
  });

  test('the Job is Indexed with completions = parallelism = SHARDS, no retries', () => {
    const spec = job().spec!;
    const settings = oneOf<IConfigMap>(objects, 'ConfigMap').data!;
    assert.equal(spec.completionMode, 'Indexed');
    assert.equal(spec.completions, Number(settings['SHARDS']));
    assert.equal(spec.parallelism, spec.completions);
    assert.equal(spec.backoffLimit, 0);
    assert.equal(spec.template.spec!.restartPolicy, 'Never');
  });

  test('non-root, read-only root filesystem, nothing escalates, resource limits set', () => {
    const pod = job().spec!.template.spec!;
    const c = container();
    assert.equal(pod.securityContext?.runAsNonRoot, true);
    assert.equal(c.securityContext?.runAsNonRoot, true);
    assert.ok((c.securityContext?.runAsUser ?? 0) > 0);
    assert.equal(c.securityContext?.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext?.allowPrivilegeEscalation, false);
    assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL']);
    assert.ok(c.resources?.limits?.['cpu'] && c.resources.limits['memory'], 'cpu and memory limits');
    assert.equal(pod.automountServiceAccountToken, false, 'a shard never talks to the Kubernetes API');
  });

  test('each pod runs the shard of its JOB_COMPLETION_INDEX and posts to the daemon Service with the token from a Secret', () => {
    const c = container();
    const settingsName = oneOf<IConfigMap>(objects, 'ConfigMap').metadata!.name;
    assert.equal(c.envFrom?.[0]?.configMapRef?.name, settingsName, 'the hashed ConfigMap name is wired');
    const env: Record<string, string> = { ...oneOf<IConfigMap>(objects, 'ConfigMap').data! };
    for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
    const token = (c.env ?? []).find((e) => e.name === 'PROBE_API_TOKEN');
    assert.equal(token?.valueFrom?.secretKeyRef?.name, 'radar-probe-secrets');
    // the args as the kubelet expands them, parsed by the real CLI as pod index 2 would
    env['START_AT'] = new Date(Date.now() + 60_000).toISOString();
    const args = parseCli(
      (c.args ?? []).map((a) => expand(a, env)),
      { JOB_COMPLETION_INDEX: '2' },
    );
    assert.deepEqual(args.shard, { index: 3, count: job().spec!.completions });
    assert.equal(args.run, env['RUN']);
    const postTo = new URL(args.postTo!);
    const service = oneOf<IService>(base, 'Service');
    assert.equal(postTo.hostname, service.metadata!.name, 'posts to the daemon Service of k8s/');
    assert.equal(Number(postTo.port), service.spec!.ports![0].port);
  });
});
