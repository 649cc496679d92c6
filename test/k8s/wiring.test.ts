/** Renders k8s/ with kustomize and checks that the pieces fit together: command, probes, ports, config, volumes. */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlMissing, oneOf, podSpecsOf, renderK8s, type K8sObject } from './rendered.js';
import type { IConfigMap, IPersistentVolumeClaim, IService } from 'kubernetes-models/v1';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { ICronJob } from 'kubernetes-models/batch/v1';
import type { IRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { parseConfigText } from '../../src/config/load.js';

describe('kustomize base k8s/ fits together', { skip: kubectlMissing }, () => {
  let objects: K8sObject[] = [];
  const one = <T>(kind: string): T => oneOf<T>(objects, kind);
  const podSpecs = (): [string, IPodSpec][] => podSpecsOf(objects);

  before(async () => {
    objects = await renderK8s();
  });

  test('Deployment: 2 replicas of `probe daemon`, liveness /healthz, readiness /readyz on the metrics port', () => {
    const deployment = one<IDeployment>('Deployment');
    assert.equal(deployment.spec?.replicas, 2);
    const [container] = deployment.spec?.template.spec?.containers ?? [];
    assert.ok(container);
    assert.deepEqual([...(container.command ?? []), ...(container.args ?? [])], ['probe', 'daemon', '--config', '/etc/radar-probe/config.yaml']);
    assert.deepEqual(container.ports, [{ name: 'metrics', containerPort: 9464, protocol: 'TCP' }]);
    assert.equal(container.livenessProbe?.httpGet?.path, '/healthz');
    assert.equal(container.readinessProbe?.httpGet?.path, '/readyz');
    for (const probe of [container.livenessProbe, container.readinessProbe]) assert.equal(probe?.httpGet?.port, 'metrics');
    const env = new Map((container.env ?? []).map((e) => [e.name, e]));
    assert.equal(env.get('POD_NAME')?.valueFrom?.fieldRef?.fieldPath, 'metadata.name');
    assert.equal(env.get('POD_NAMESPACE')?.valueFrom?.fieldRef?.fieldPath, 'metadata.namespace');
    for (const e of env.values()) {
      const ref = e.valueFrom?.secretKeyRef;
      if (ref) assert.deepEqual([ref.name, ref.optional], ['radar-probe-secrets', true], `${e.name} comes from the optional Secret`);
    }
  });

  test('CronJob runs `probe --scenario latency --json`, never two at once', () => {
    const cron = one<ICronJob>('CronJob');
    assert.equal(cron.spec?.concurrencyPolicy, 'Forbid');
    const pod = cron.spec?.jobTemplate.spec?.template.spec;
    assert.equal(pod?.restartPolicy, 'Never');
    const [container] = pod?.containers ?? [];
    const argv = [...(container?.command ?? []), ...(container?.args ?? [])].join(' ');
    assert.match(argv, /^probe --scenario latency --json --config \/etc\/radar-probe\/config\.yaml$/);
  });

  test('Service and ServiceMonitor expose port 9464 "metrics" of the daemon pods only', () => {
    const service = one<IService>('Service');
    assert.deepEqual(
      service.spec?.ports?.map((p) => [p.name, p.port, p.targetPort]),
      [['metrics', 9464, 'metrics']],
    );
    const selects = (labels: Record<string, string> | undefined): boolean =>
      Object.entries(service.spec?.selector ?? {}).every(([k, v]) => labels?.[k] === v);
    assert.ok(selects(one<IDeployment>('Deployment').spec?.template.metadata?.labels), 'selects the daemon pods');
    assert.ok(!selects(one<ICronJob>('CronJob').spec?.jobTemplate.spec?.template.metadata?.labels), 'not the CronJob pods');
    const monitor = one<K8sObject>('ServiceMonitor');
    assert.equal(monitor.apiVersion, 'monitoring.coreos.com/v1');
    const spec = monitor.spec as { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string }[] };
    for (const [k, v] of Object.entries(spec.selector.matchLabels))
      assert.equal(service.metadata?.labels?.[k], v, `ServiceMonitor selects the Service by ${k}`);
    assert.deepEqual(
      spec.endpoints.map((e) => [e.port, e.path]),
      [['metrics', '/metrics']],
    );
  });

  test("the ConfigMap's config.yaml validates with the project loader and agrees with the manifests", () => {
    const configMap = one<IConfigMap>('ConfigMap');
    const text = configMap.data?.['config.yaml'];
    assert.ok(text, 'ConfigMap holds config.yaml');
    const config = parseConfigText(text, 'k8s/config.yaml', { env: { POD_NAMESPACE: 'prod' } });
    assert.equal(config.target, 'http://deeptech-api.default.svc:8000');
    assert.equal(config.kubernetes.namespace, 'prod', "watches the pod's own namespace");
    assert.equal(config.kubernetes.leaderElection.enabled, true);
    assert.equal(config.incidents.stateDir, '/var/lib/radar-probe');
    assert.equal(config.database.url, '', 'no secret, no database: the probe is skipped, the config still loads');
    assert.equal(config.daemon.listen, '0.0.0.0', 'the kubelet and Prometheus reach the pod from outside it');
    assert.deepEqual(
      [config.external.openai.enabled, config.external.github.enabled],
      [false, false],
      'the base policy allows no internet egress: no external probes',
    );
    const external = parseConfigText(text, 'k8s/config.yaml', { env: { EXTERNAL_PROBES: 'true' } });
    assert.deepEqual([external.external.openai.enabled, external.external.github.enabled], [true, true], 'the egress overlay turns them on');

    for (const [kind, pod] of podSpecs()) {
      const container = pod.containers[0];
      const mounts = new Map((container?.volumeMounts ?? []).map((m) => [m.mountPath, m.name]));
      const stateVolume = pod.volumes?.find((v) => v.name === mounts.get(config.incidents.stateDir));
      assert.ok(stateVolume?.emptyDir || stateVolume?.persistentVolumeClaim, `${kind} mounts a writable volume at the state dir`);
      const configVolume = pod.volumes?.find((v) => v.name === mounts.get('/etc/radar-probe'));
      assert.equal(configVolume?.configMap?.name, configMap.metadata?.name, `${kind} mounts the generated ConfigMap`);
    }
    const port = one<IDeployment>('Deployment').spec?.template.spec?.containers[0]?.ports?.[0]?.containerPort;
    assert.equal(config.daemon.port, port, 'daemon.port is the container port');
    const leaseRule = one<IRole>('Role').rules?.find((r) => r.resources?.includes('leases') && r.resourceNames);
    assert.deepEqual(leaseRule?.resourceNames, [config.kubernetes.leaderElection.leaseName], 'the Role names the configured Lease');
  });

  test('both daemon replicas share one ReadWriteMany claim as the state dir, so a new leader continues the incidents', () => {
    const deployment = one<IDeployment>('Deployment');
    const pod = deployment.spec?.template.spec as IPodSpec;
    const config = parseConfigText(one<IConfigMap>('ConfigMap').data?.['config.yaml'] ?? '', 'k8s/config.yaml', { env: {} });
    assert.ok((deployment.spec?.replicas ?? 1) > 1 && config.kubernetes.leaderElection.enabled, 'several replicas, one leader');
    const mount = pod.containers[0]?.volumeMounts?.find((m) => m.mountPath === config.incidents.stateDir);
    assert.ok(mount && !mount.readOnly && !mount.subPath, 'the whole claim, writable, at incidents.stateDir');
    const claimName = pod.volumes?.find((v) => v.name === mount.name)?.persistentVolumeClaim?.claimName;
    assert.ok(claimName, 'the state volume is a PersistentVolumeClaim, not a per-pod emptyDir');
    const claim = objects.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === claimName) as IPersistentVolumeClaim | undefined;
    assert.ok(claim, `the base renders PersistentVolumeClaim ${claimName}`);
    assert.deepEqual(claim.spec?.accessModes, ['ReadWriteMany'], 'mountable by replicas on different nodes at once');
    assert.ok(claim.spec?.resources?.requests?.['storage'], 'requests a size');
    // the one-shot CronJob keeps no incidents: a scratch emptyDir is right for it
    const cronPod = one<ICronJob>('CronJob').spec?.jobTemplate.spec?.template.spec as IPodSpec;
    const cronState = cronPod.containers[0]?.volumeMounts?.find((m) => m.mountPath === config.incidents.stateDir);
    assert.ok(cronPod.volumes?.find((v) => v.name === cronState?.name)?.emptyDir, 'the CronJob does not mount the shared claim');
  });
});
