/** Renders k8s/ with the real kustomize (kubectl) and checks what a cluster would be given: kinds, RBAC, security. */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlMissing, oneOf, podSpecsOf, renderK8s, root, type K8sObject } from './rendered.js';
import { join } from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import {
  ConfigMap,
  PersistentVolumeClaim,
  Service,
  ServiceAccount,
  type IConfigMap,
  type IPersistentVolumeClaim,
  type IService,
  type IServiceAccount,
} from 'kubernetes-models/v1';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1';
import { CronJob, type ICronJob } from 'kubernetes-models/batch/v1';
import { Role, RoleBinding, type IRole, type IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { NetworkPolicy, type INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';

const REQUIRED_KINDS = [
  'Deployment',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ConfigMap',
  'Service',
  'ServiceMonitor',
  'PrometheusRule',
  'CronJob',
  'NetworkPolicy',
];
const MODELS: Record<string, (doc: unknown) => { validate(): void }> = {
  Deployment: (doc) => new Deployment(doc as IDeployment),
  CronJob: (doc) => new CronJob(doc as ICronJob),
  ServiceAccount: (doc) => new ServiceAccount(doc as IServiceAccount),
  Role: (doc) => new Role(doc as IRole),
  RoleBinding: (doc) => new RoleBinding(doc as IRoleBinding),
  ConfigMap: (doc) => new ConfigMap(doc as IConfigMap),
  Service: (doc) => new Service(doc as IService),
  NetworkPolicy: (doc) => new NetworkPolicy(doc as INetworkPolicy),
  PersistentVolumeClaim: (doc) => new PersistentVolumeClaim(doc as IPersistentVolumeClaim),
};

describe('kustomize base k8s/', { skip: kubectlMissing }, () => {
  let objects: K8sObject[] = [];
  const one = <T>(kind: string): T => oneOf<T>(objects, kind);
  const podSpecs = (): [string, IPodSpec][] => podSpecsOf(objects);

  before(async () => {
    objects = await renderK8s();
  });

  test('renders every kind the deployment needs, nothing cluster-wide, no Secret and no volume claim', () => {
    const kinds = objects.map((o) => o.kind);
    for (const kind of REQUIRED_KINDS) assert.ok(kinds.includes(kind), `missing ${kind}`);
    for (const kind of ['ClusterRole', 'ClusterRoleBinding', 'Secret', 'PersistentVolumeClaim'])
      assert.ok(!kinds.includes(kind), `unexpected ${kind}`);
    for (const o of objects) assert.equal(o.metadata.namespace, 'default', `${o.kind} namespace`);
  });

  test('every object and pod template carries app.kubernetes.io/name=radar-probe', () => {
    for (const o of objects) assert.equal(o.metadata.labels?.['app.kubernetes.io/name'], 'radar-probe', `${o.kind}/${o.metadata.name}`);
    assert.equal(one<IDeployment>('Deployment').spec?.template.metadata?.labels?.['app.kubernetes.io/name'], 'radar-probe');
    assert.equal(one<ICronJob>('CronJob').spec?.jobTemplate.spec?.template.metadata?.labels?.['app.kubernetes.io/name'], 'radar-probe');
  });

  test('built-in kinds validate against the Kubernetes API schemas', () => {
    for (const o of objects) {
      const model = MODELS[o.kind];
      if (model) assert.doesNotThrow(() => model(o).validate(), `${o.kind}/${o.metadata.name}`);
    }
  });

  test("the Role grants exactly the verbs the Kubernetes calls in the code use (no watch), and is bound to the pods' account", () => {
    const used = kubernetesCallsInCode();
    assert.ok(used.size >= 7, [...used].join(' '));
    const granted = new Set<string>();
    for (const rule of one<IRole>('Role').rules ?? []) {
      assert.equal(rule.nonResourceURLs, undefined, 'no non-resource URLs');
      for (const g of rule.apiGroups ?? []) for (const r of rule.resources ?? []) for (const v of rule.verbs) granted.add(`${g}|${r}|${v}`);
    }
    for (const triple of granted) assert.ok(used.has(triple), `Role grants what no code uses: ${triple}`);
    assert.deepEqual([...granted].sort(), [...used].sort(), 'every call the code makes is granted');
    const binding = one<IRoleBinding>('RoleBinding');
    assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'radar-probe' });
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'radar-probe', namespace: 'default' }]);
    for (const [kind, pod] of podSpecs()) assert.equal(pod.serviceAccountName, 'radar-probe', kind);
  });

  test('Deployment and CronJob pods run non-root, read-only, without capabilities, with seccomp and resources', () => {
    for (const [kind, pod] of podSpecs()) {
      const sc = pod.securityContext;
      assert.equal(sc?.runAsNonRoot, true, `${kind} runAsNonRoot`);
      assert.equal(sc?.runAsUser, 10001, `${kind} runAsUser`);
      assert.equal(sc?.seccompProfile?.type, 'RuntimeDefault', `${kind} seccomp`);
      assert.ok(!pod.hostNetwork && !pod.hostPID && !pod.hostIPC, `${kind} shares no host namespace`);
      assert.ok(!(pod.volumes ?? []).some((v) => v.hostPath), `${kind} mounts no host path`);
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        const where = `${kind}/${c.name}`;
        assert.equal(c.securityContext?.allowPrivilegeEscalation, false, `${where} allowPrivilegeEscalation`);
        assert.equal(c.securityContext?.readOnlyRootFilesystem, true, `${where} readOnlyRootFilesystem`);
        assert.equal(c.securityContext?.privileged ?? false, false, `${where} privileged`);
        assert.deepEqual(c.securityContext?.capabilities, { drop: ['ALL'] }, `${where} capabilities`);
        assert.equal(c.securityContext?.seccompProfile?.type, 'RuntimeDefault', `${where} seccomp`);
        assert.notEqual(c.securityContext?.runAsUser ?? 10001, 0, `${where} runAsUser`);
        for (const part of ['requests', 'limits'] as const) {
          assert.ok(c.resources?.[part]?.cpu && c.resources[part]?.memory, `${where} resources.${part}`);
        }
      }
    }
  });

  test('NetworkPolicy admits scrapes on 9464 only; every egress rule names its ports and its peers, none the internet', () => {
    const policy = one<INetworkPolicy>('NetworkPolicy');
    assert.deepEqual(policy.spec?.policyTypes, ['Ingress', 'Egress']);
    assert.deepEqual(policy.spec?.podSelector.matchLabels, { 'app.kubernetes.io/name': 'radar-probe' });
    const ingressPorts = (policy.spec?.ingress ?? []).flatMap((r) => r.ports?.map((p) => p.port) ?? ['any']);
    assert.deepEqual(ingressPorts, [9464]);
    const egress = policy.spec?.egress ?? [];
    for (const rule of egress) {
      assert.ok(rule.ports?.length, 'no egress rule allows every port');
      assert.ok(rule.to?.length, `egress to ${rule.ports?.map((p) => p.port).join(',')} names its peers, not any address`);
      for (const peer of rule.to ?? [])
        if (peer.ipBlock) assert.ok(isPrivateCidr(peer.ipBlock.cidr), `${peer.ipBlock.cidr} is not a cluster-private range`);
    }
    const egressPorts = egress.flatMap((r) => r.ports?.map((p) => `${p.port}/${p.protocol}`) ?? []);
    for (const needed of ['53/UDP', '53/TCP', '8000/TCP', '5432/TCP', '443/TCP', '6443/TCP'])
      assert.ok(egressPorts.includes(needed), `egress ${needed}`);
  });
});

describe('examples/k8s-egress overlay', { skip: kubectlMissing }, () => {
  test('narrows PostgreSQL and the Kubernetes API to addresses, and adds HTTPS to public addresses with the external probes on', async () => {
    const objects = await renderK8s('examples/k8s-egress');
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy') as unknown as INetworkPolicy[];
    const base = policies.find((p) => p.metadata?.name === 'radar-probe');
    const egress = base?.spec?.egress ?? [];
    const ports = (i: number): (string | number | undefined)[] => egress[i]?.ports?.map((p) => p.port) ?? [];
    // the overlay patches rules by position: this fails when the base's order changes under it
    assert.deepEqual([ports(2), ports(3)], [[5432], [443, 6443]]);
    assert.deepEqual(egress[2]?.to, [{ ipBlock: { cidr: '10.20.0.5/32' } }]);
    assert.deepEqual(egress[3]?.to, [{ ipBlock: { cidr: '10.0.0.1/32' } }]);
    const external = policies.find((p) => p.metadata?.name === 'radar-probe-external-egress');
    assert.deepEqual(external?.spec?.egress?.[0]?.ports, [{ port: 443, protocol: 'TCP' }]);
    assert.ok(external?.spec?.egress?.[0]?.to?.[0]?.ipBlock?.except?.includes('10.0.0.0/8'), "not into the cluster's private ranges");
    for (const [kind, pod] of podSpecsOf(objects)) {
      assert.deepEqual(
        pod.containers[0]?.env?.find((e) => e.name === 'EXTERNAL_PROBES'),
        { name: 'EXTERNAL_PROBES', value: 'true' },
        kind,
      );
    }
  });
});

/** `group|resource|verb` for every Kubernetes client call in src/ and probes/ (custom metrics APIs are an overlay's). */
function kubernetesCallsInCode(): Set<string> {
  const VERBS: Record<string, string> = {
    list: 'list',
    read: 'get',
    create: 'create',
    replace: 'update',
    patch: 'patch',
    delete: 'delete',
    watch: 'watch',
  };
  const RESOURCES: Record<string, string> = {
    Pod: '|pods',
    PodLog: '|pods/log',
    Event: '|events',
    Endpoints: '|endpoints',
    EndpointSlice: 'discovery.k8s.io|endpointslices',
    Lease: 'coordination.k8s.io|leases',
    ConfigMap: '|configmaps',
  };
  const used = new Set<string>();
  for (const dir of ['src', 'probes']) {
    for (const file of readdirSync(join(root, dir), { recursive: true }) as string[]) {
      if (!file.endsWith('.ts')) continue;
      const text = readFileSync(join(root, dir, file), 'utf8');
      for (const m of text.matchAll(/\.(list|read|create|replace|patch|delete|watch)Namespaced(\w+?)(?:ForAllNamespaces)?\(/g)) {
        if (m[2] === 'CustomObject') continue;
        const resource = RESOURCES[m[2]];
        assert.ok(resource, `${dir}/${file}: unknown Kubernetes call ${m[0]}; add its resource to this test`);
        used.add(`${resource}|${VERBS[m[1]]}`);
      }
      assert.doesNotMatch(text, /new Watch\(|\bwatch: true\b|[?&]watch=/, `${dir}/${file} watches: grant watch in role.yaml and here`);
    }
  }
  return used;
}

function isPrivateCidr(cidr: string): boolean {
  return (
    ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].includes(cidr) || /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)[\d.]+\/(3[0-2]|2\d)$/.test(cidr)
  );
}

test('secrets stay out of the base: secret.example.yaml is not a resource, holds placeholders, covers every key used', () => {
  const kustomization = parse(readFileSync(join(root, 'k8s/kustomization.yaml'), 'utf8')) as { resources: string[]; secretGenerator?: unknown };
  assert.ok(!kustomization.resources.includes('secret.example.yaml'));
  assert.equal(kustomization.secretGenerator, undefined);
  const example = parse(readFileSync(join(root, 'k8s/secret.example.yaml'), 'utf8')) as {
    kind: string;
    metadata: { name: string };
    stringData: Record<string, string>;
  };
  assert.deepEqual([example.kind, example.metadata.name], ['Secret', 'radar-probe-secrets']);
  for (const [key, value] of Object.entries(example.stringData)) assert.match(value, /CHANGE_ME/, `${key} is a placeholder`);
  const manifests = ['deployment.yaml', 'cronjob.yaml'].map((f) => readFileSync(join(root, 'k8s', f), 'utf8')).join('\n');
  const keysUsed = [...manifests.matchAll(/secretKeyRef: \{ name: radar-probe-secrets, key: (\w+)/g)].map((m) => m[1] ?? '');
  assert.ok(keysUsed.length >= 3);
  for (const key of keysUsed) assert.ok(key in example.stringData, `secret.example.yaml documents ${key}`);
});
