/**
 * The kube-prometheus-stack fit: the `release` label component, the PodMonitor option and the Grafana dashboard
 * ConfigMap, rendered by the real kustomize from the example overlay and from an overlay built here.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import { kubectlMissing, oneOf, renderK8s, root, type K8sObject } from './rendered.js';

const MONITORING_KINDS = ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'];

interface PodMonitorSpec {
  jobLabel?: string;
  selector: { matchLabels: Record<string, string> };
  podMetricsEndpoints: { port: string; path: string }[];
}

describe('examples/kube-prometheus-stack overlay', { skip: kubectlMissing }, () => {
  let objects: K8sObject[] = [];
  before(async () => {
    objects = await renderK8s('examples/kube-prometheus-stack');
  });

  test('the ServiceMonitor and the PrometheusRule carry the release label kube-prometheus-stack selects on', () => {
    const monitoring = objects.filter((o) => MONITORING_KINDS.includes(o.kind));
    assert.deepEqual(monitoring.map((o) => o.kind).sort(), ['PrometheusRule', 'ServiceMonitor']);
    for (const o of monitoring) assert.equal(o.metadata.labels?.['release'], 'kube-prometheus-stack', o.kind);
    for (const o of objects.filter((x) => !MONITORING_KINDS.includes(x.kind)))
      assert.equal(o.metadata.labels?.['release'], undefined, `${o.kind}/${o.metadata.name} is not relabelled`);
  });

  test('the dashboard ConfigMap: sidecar label, a stable name, the committed JSON, a valid ConfigMap', () => {
    const dashboards = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.['grafana_dashboard'] === '1');
    assert.equal(dashboards.length, 1);
    const map = dashboards[0] as unknown as IConfigMap;
    assert.equal(map.metadata?.name, 'radar-probe-dashboard');
    assert.equal(map.metadata?.namespace, 'default');
    assert.equal(map.data?.['radar-probe.json'], readFileSync(join(root, 'dashboards', 'radar-probe.json'), 'utf8'));
    assert.doesNotThrow(() => new ConfigMap(map).validate());
    // kubectl apply keeps the whole object in an annotation, limited to 256 KiB
    assert.ok(JSON.stringify(map).length < 256 * 1024);
  });
});

describe('the podmonitor component', { skip: kubectlMissing }, () => {
  let dir = '';
  let objects: K8sObject[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rp-overlay-'));
    const up = relative(dir, root);
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'namespace: default',
        `resources: [${up}/k8s]`,
        `components: [${up}/k8s/components/podmonitor, ${up}/k8s/components/release-label]`,
        '',
      ].join('\n'),
    );
    objects = await renderK8s(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('replaces the ServiceMonitor with a PodMonitor that selects the daemon pods on their metrics port, job "radar-probe"', () => {
    assert.ok(!objects.some((o) => o.kind === 'ServiceMonitor'), 'one of the two, not both');
    const monitor = oneOf<K8sObject & { spec: PodMonitorSpec }>(objects, 'PodMonitor');
    assert.equal(monitor.metadata.labels?.['release'], 'kube-prometheus-stack');
    assert.equal(monitor.metadata.namespace, 'default');
    const deployment = oneOf<IDeployment>(objects, 'Deployment');
    const podLabels = deployment.spec?.template.metadata?.labels ?? {};
    for (const [key, value] of Object.entries(monitor.spec.selector.matchLabels)) assert.equal(podLabels[key], value, `pod label ${key}`);
    assert.equal(podLabels[monitor.spec.jobLabel ?? ''], 'radar-probe', 'the job name the alert rules use');
    const ports = deployment.spec?.template.spec?.containers.flatMap((c) => c.ports?.map((p) => p.name) ?? []) ?? [];
    for (const endpoint of monitor.spec.podMetricsEndpoints) {
      assert.ok(ports.includes(endpoint.port), `container port ${endpoint.port}`);
      assert.equal(endpoint.path, '/metrics');
    }
  });
});
