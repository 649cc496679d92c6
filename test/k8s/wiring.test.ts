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
  /** the generated config ConfigMap (the state ConfigMap is the other one) */
  const configMapOf = (rendered: readonly K8sObject[]): IConfigMap => {
    const found = rendered.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('radar-probe-config-'));
    assert.equal(found.length, 1, 'one generated config ConfigMap');
    return found[0] as unknown as IConfigMap;
  };

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
    const configMap = configMapOf(objects);
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

  test('both daemon replicas share the incident state through the ConfigMap the base ships empty; no volume is shared', () => {
    const deployment = one<IDeployment>('Deployment');
    const pod = deployment.spec?.template.spec as IPodSpec;
    const config = parseConfigText(configMapOf(objects).data?.['config.yaml'] ?? '', 'k8s/config.yaml', { env: {} });
    assert.ok((deployment.spec?.replicas ?? 1) > 1 && config.kubernetes.leaderElection.enabled, 'several replicas, one leader');
    assert.equal(config.incidents.store, 'kubernetes');
    const state = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === config.incidents.configMap) as IConfigMap | undefined;
    assert.ok(state, `the base renders ConfigMap ${config.incidents.configMap}`);
    // a `data` field in the manifest would make every `kubectl apply` wipe the daemon's keys
    assert.equal(state.data, undefined, 'shipped without data');
    assert.equal(state.binaryData, undefined);
    const rule = one<IRole>('Role').rules?.find((r) => r.resources?.includes('configmaps'));
    assert.deepEqual(rule?.resourceNames, [config.incidents.configMap], 'the Role names the state ConfigMap and only it');
    assert.deepEqual([...(rule?.verbs ?? [])].sort(), ['get', 'update'], 'read and replace; create is not needed (the manifest creates it)');
    const mount = pod.containers[0]?.volumeMounts?.find((m) => m.mountPath === config.incidents.stateDir);
    assert.ok(pod.volumes?.find((v) => v.name === mount?.name)?.emptyDir, 'the state dir (post-mortems) is scratch space per pod');
    // the one-shot CronJob keeps no incidents: a scratch emptyDir is right for it
    const cronPod = one<ICronJob>('CronJob').spec?.jobTemplate.spec?.template.spec as IPodSpec;
    const cronState = cronPod.containers[0]?.volumeMounts?.find((m) => m.mountPath === config.incidents.stateDir);
    assert.ok(cronPod.volumes?.find((v) => v.name === cronState?.name)?.emptyDir, 'the CronJob mounts no shared state');
  });
});

describe('components/shared-volume (examples/k8s-shared-volume)', { skip: kubectlMissing }, () => {
  test('switches to the file store on one ReadWriteMany claim mounted by both replicas', async () => {
    const objects = await renderK8s('examples/k8s-shared-volume');
    const deployment = oneOf<IDeployment>(objects, 'Deployment');
    const pod = deployment.spec?.template.spec as IPodSpec;
    const container = pod.containers[0];
    const env = Object.fromEntries((container?.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value ?? '']));
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('radar-probe-config-')) as unknown as IConfigMap;
    const config = parseConfigText(configMap.data?.['config.yaml'] ?? '', 'k8s/config.yaml', { env });
    assert.equal(config.incidents.store, 'file');
    const mount = container?.volumeMounts?.find((m) => m.mountPath === config.incidents.stateDir);
    assert.ok(mount && !mount.readOnly && !mount.subPath, 'the whole claim, writable, at incidents.stateDir');
    const volume = pod.volumes?.find((v) => v.name === mount.name);
    assert.equal(volume?.emptyDir, undefined, 'the emptyDir is replaced, not kept beside the claim');
    const claimName = volume?.persistentVolumeClaim?.claimName;
    const claim = objects.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === claimName) as IPersistentVolumeClaim | undefined;
    assert.ok(claim, `the overlay renders PersistentVolumeClaim ${claimName}`);
    assert.deepEqual(claim.spec?.accessModes, ['ReadWriteMany'], 'mountable by replicas on different nodes at once');
    assert.ok(claim.spec?.resources?.requests?.['storage'], 'requests a size');
    assert.equal(claim.spec?.storageClassName, 'nfs-client');
  });
});
