/** The stand-in itself: it must refuse shapes the real API would never serve, and answer like the real server. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiException, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { SCENARIOS, buildScenario, startKubeApiServer, type KubeApiServer } from '../../helpers/kube-apiserver.js';

let server: KubeApiServer;

before(async () => {
  server = await startKubeApiServer('healthy');
});
after(async () => {
  await server.close();
});

async function get(path: string, token = server.token): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

describe('kube-apiserver stand-in', () => {
  test('every scenario builds objects that pass the Kubernetes schema', () => {
    for (const name of SCENARIOS) server.setScenario(name);
    server.setScenario('healthy');
  });

  test('a malformed object is refused where the scenario is built', () => {
    const state = buildScenario('healthy');
    const bad = structuredClone(state);
    (bad.pods[0].status!.containerStatuses![0] as unknown as Record<string, unknown>)['restartCount'] = 'seven';
    assert.throws(() => server.setScenario(bad), /restartCount must be integer/);
    const noInvolved = structuredClone(state);
    noInvolved.events = [{ apiVersion: 'v1', kind: 'Event', metadata: {} } as never];
    assert.throws(() => server.setScenario(noInvolved), /involvedObject/);
  });

  test('lists look like the real server: kind, apiVersion, metadata.resourceVersion, items without type meta', async () => {
    const res = await get('/api/v1/namespaces/default/pods?labelSelector=app%3Ddeeptech-api');
    assert.equal(res.status, 200);
    const list = JSON.parse(res.body) as {
      kind: string;
      apiVersion: string;
      metadata: { resourceVersion: string };
      items: { kind?: string; metadata: { name: string } }[];
    };
    assert.equal(list.kind, 'PodList');
    assert.equal(list.apiVersion, 'v1');
    assert.ok(list.metadata.resourceVersion);
    assert.equal(list.items.length, 2);
    assert.equal(list.items[0].kind, undefined);
    const other = JSON.parse((await get('/api/v1/namespaces/default/pods?labelSelector=app%3Dother')).body) as { items: unknown[] };
    assert.equal(other.items.length, 0);
  });

  test('errors are Status objects: 401 without the token, 404 for unknown objects', async () => {
    const unauthorized = await get('/api/v1/namespaces/default/pods', 'nope');
    assert.equal(unauthorized.status, 401);
    assert.equal((JSON.parse(unauthorized.body) as { kind: string }).kind, 'Status');
    const missing = JSON.parse((await get('/api/v1/namespaces/default/endpoints/nope')).body) as { kind: string; reason: string; code: number };
    assert.deepEqual([missing.kind, missing.reason, missing.code], ['Status', 'NotFound', 404]);
  });

  test('pod logs: text/plain, tailLines honoured, a missing previous instance is a 400', async () => {
    server.setScenario('crashloop-pg-hba');
    const pod = server.state().pods[0].metadata!.name!;
    const previous = await get(`/api/v1/namespaces/default/pods/${pod}/log?container=api&previous=true&tailLines=2`);
    assert.equal(previous.status, 200);
    assert.match(previous.type, /text\/plain/);
    assert.equal(previous.body.trimEnd().split('\n').length, 2);
    server.setScenario('healthy');
    const none = await get(`/api/v1/namespaces/default/pods/${server.state().pods[0].metadata!.name!}/log?previous=true`);
    assert.equal(none.status, 400);
    assert.match(none.body, /previous terminated container \\"api\\" in pod/);
  });
});

describe('kube-apiserver stand-in: ConfigMaps through the real client', () => {
  const core = (): CoreV1Api => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(server.kubeconfigPath);
    return kubeConfig.makeApiClient(CoreV1Api);
  };
  const status = (err: unknown): number | undefined => (err instanceof ApiException ? err.code : undefined);

  test('create, get, replace with the resourceVersion read; a stale one is a 409 Conflict; a second create AlreadyExists', async () => {
    const api = core();
    const namespace = 'default';
    const created = await api.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'cm-a' }, data: { k: '1' } } });
    assert.ok(created.metadata?.resourceVersion);
    await assert.rejects(api.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'cm-a' } } }), (e) => status(e) === 409);
    const read = await api.readNamespacedConfigMap({ namespace, name: 'cm-a' });
    const replaced = await api.replaceNamespacedConfigMap({ namespace, name: 'cm-a', body: { ...read, data: { k: '2' } } });
    assert.notEqual(replaced.metadata?.resourceVersion, read.metadata?.resourceVersion, 'every write moves the version');
    await assert.rejects(
      api.replaceNamespacedConfigMap({ namespace, name: 'cm-a', body: { ...read, data: { k: 'stale' } } }),
      (e) => status(e) === 409 && /the object has been modified/.test(String((e as ApiException<string>).body)),
    );
    assert.deepEqual(server.configMaps.peek(namespace, 'cm-a')?.data, { k: '2' }, 'the stale write changed nothing');
  });

  test('merge patch with a resourceVersion precondition; injected conflicts; over 1 MiB is 422 Invalid', async () => {
    const api = core();
    const namespace = 'default';
    server.configMaps.seed(namespace, 'cm-b');
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const rv = server.configMaps.peek(namespace, 'cm-b')?.metadata?.resourceVersion;
    await api.patchNamespacedConfigMap({ namespace, name: 'cm-b', body: { metadata: { resourceVersion: rv }, data: { a: 'x' } } }, merge);
    await api.patchNamespacedConfigMap({ namespace, name: 'cm-b', body: { data: { b: 'y' } } }, merge);
    assert.deepEqual(server.configMaps.peek(namespace, 'cm-b')?.data, { a: 'x', b: 'y' });
    await assert.rejects(
      api.patchNamespacedConfigMap({ namespace, name: 'cm-b', body: { data: { c: 'z' } } }),
      (e) => status(e) === 415,
      'a JSON patch',
    );
    await assert.rejects(
      api.patchNamespacedConfigMap({ namespace, name: 'cm-b', body: { metadata: { resourceVersion: rv }, data: { c: 'z' } } }, merge),
      (e) => status(e) === 409,
    );
    server.configMaps.injectConflicts(1);
    const fresh = await api.readNamespacedConfigMap({ namespace, name: 'cm-b' });
    await assert.rejects(api.replaceNamespacedConfigMap({ namespace, name: 'cm-b', body: fresh }), (e) => status(e) === 409, 'an injected race');
    const after = await api.readNamespacedConfigMap({ namespace, name: 'cm-b' });
    await assert.rejects(
      api.replaceNamespacedConfigMap({ namespace, name: 'cm-b', body: { ...after, data: { big: 'x'.repeat(1024 * 1024) } } }),
      (e) => status(e) === 422,
    );
  });
});
