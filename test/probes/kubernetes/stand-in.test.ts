/** The stand-in itself: it must refuse shapes the real API would never serve, and answer like the real server. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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
