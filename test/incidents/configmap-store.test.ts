/**
 * `incidents.store: kubernetes` through the real client library against the API stand-in's ConfigMaps: writes carry
 * the resourceVersion read, a 409 is re-read and re-applied (never lost), a newer state is never overwritten, and
 * the size limit is met by dropping old history first.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { makeApis } from '../../src/clients/kubernetes/api.js';
import { ConfigMapDocuments, CONFIGMAP_LIMIT } from '../../src/incidents/configmap-documents.js';
import { MAINTENANCE_FILE, STATE_FILE } from '../../src/incidents/documents.js';
import { IncidentManager } from '../../src/incidents/manager.js';
import { MaintenanceStore } from '../../src/incidents/maintenance-store.js';
import { compactToFit } from '../../src/incidents/state-budget.js';
import { emptyState } from '../../src/incidents/state.js';
import { StateStore } from '../../src/incidents/store.js';
import { stateDocumentsFor } from '../../src/incidents/store-from-config.js';
import { isProbeError } from '../../src/model/errors.js';
import { createLogger, silentLogger } from '../../src/support/log.js';
import { testConfig } from '../helpers/context.js';
import { buildScenario, startKubeApiServer, type KubeApiServer } from '../helpers/kube-apiserver.js';
import { FakeClock, outage, tempDir } from './helpers.js';

const NS = 'default';
let kube: KubeApiServer;
let name = '';
let counter = 0;

function documentOptions(objectName = name): ConstructorParameters<typeof ConfigMapDocuments>[0] {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kube.kubeconfigPath);
  // no waiting between retries: the test is about never losing a write, not about pacing
  return { api: makeApis(kubeConfig).core, namespace: NS, name: objectName, backoffMs: () => 0 };
}

const documents = (objectName = name): ConfigMapDocuments => new ConfigMapDocuments(documentOptions(objectName));

const stored = (key: string): string | undefined => kube.configMaps.peek(NS, name)?.data?.[key];

before(async () => {
  kube = await startKubeApiServer('healthy');
});
after(async () => {
  await kube.close();
});
beforeEach(() => {
  name = `radar-probe-state-${++counter}`;
  kube.configMaps.seed(NS, name);
});

describe('ConfigMap store: optimistic concurrency on resourceVersion', () => {
  test('concurrent writers with injected 409s: every change is retried and ends up in the object', async () => {
    const replicas = [documents(), documents(), documents()].map((d) => new MaintenanceStore(d, silentLogger()));
    const conflictsBefore = kube.configMaps.conflicts;
    kube.configMaps.injectConflicts(6);
    const now = Date.now();
    // each replica's engine runs its changes one at a time; the replicas race each other
    const added = (
      await Promise.all(
        replicas.map(async (store, r) => {
          const mine = [];
          for (let i = 0; i < 5; i++) mine.push(await store.add({ start: now, end: now + 3_600_000, reason: `replica ${r} window ${i}` }, now, 50));
          return mine;
        }),
      )
    ).flat();
    assert.ok(
      added.every((c) => c.ok),
      'every add succeeded',
    );
    const ids = added.map((c) => (c.ok ? c.window.id : ''));
    const final = JSON.parse(stored(MAINTENANCE_FILE) ?? '[]') as { id: string }[];
    assert.deepEqual(final.map((w) => w.id).sort(), [...ids].sort(), 'all 15 windows are in the final object');
    assert.ok(kube.configMaps.conflicts - conflictsBefore >= 6, `409s were met and retried (${kube.configMaps.conflicts - conflictsBefore})`);
  });

  test("the leader's state write is re-applied after a 409 on another key, and keeps the other key's change", async () => {
    const docs = documents();
    const store = new StateStore(docs, silentLogger());
    await store.load();
    await store.commit(() => JSON.stringify({ ...emptyState(), sequence: 1 }));
    // another replica adds a maintenance window between our read and our write
    await new MaintenanceStore(documents(), silentLogger()).add({ start: 0, end: Date.now() + 60_000, reason: 'other replica' }, Date.now(), 5);
    kube.configMaps.injectConflicts(2);
    await store.commit(() => JSON.stringify({ ...emptyState(), sequence: 2 }));
    assert.equal((JSON.parse(stored(STATE_FILE) ?? '{}') as { sequence: number }).sequence, 2, 'our write landed');
    assert.match(stored(MAINTENANCE_FILE) ?? '', /other replica/, "the other writer's key survived our replace");
    assert.ok(docs.conflicts >= 2, `conflicts re-read and re-applied: ${docs.conflicts}`);
    assert.equal(store.health.problem, null);
  });

  test('a state written by another replica meanwhile is never overwritten: the write is refused and the state reloaded', async () => {
    const store = new StateStore(documents(), silentLogger());
    await store.load();
    await store.commit(() => JSON.stringify({ ...emptyState(), sequence: 1 }));
    const newer = JSON.stringify({ ...emptyState(), sequence: 7 });
    await documents().write(STATE_FILE, newer);
    await store.commit(() => JSON.stringify({ ...emptyState(), sequence: 2 }));
    assert.equal(stored(STATE_FILE), newer, 'the newer state stays');
    assert.equal(store.takeSuperseded(), true, 'the engine is told to reload');
    assert.equal((await store.load()).state.sequence, 7);
    assert.equal(store.health.problem, null, 'not a persistence failure');
  });

  test('a missing ConfigMap reads as empty and fails writes with NotFound (the manifests create it)', async () => {
    const store = new StateStore(documents('not-applied'), silentLogger());
    assert.deepEqual((await store.load()).state, emptyState());
    await store.commit(() => JSON.stringify(emptyState()));
    assert.equal(store.health.problem?.code, 'NotFound');
    assert.match(store.health.problem?.message ?? '', /ConfigMap default\/not-applied does not exist/);
  });
});

describe('ConfigMap store: the 1 MiB limit', () => {
  test('a document over the limit is refused before it is sent (TooLarge), the object keeps its last good state', async () => {
    const store = new StateStore(documents(), silentLogger());
    await store.load();
    await store.commit(() => JSON.stringify(emptyState()));
    const writes = kube.configMaps.writes;
    await store.commit(() => 'x'.repeat(CONFIGMAP_LIMIT));
    assert.equal(store.health.problem?.code, 'TooLarge');
    assert.equal(kube.configMaps.writes, writes, 'nothing was sent');
    assert.deepEqual(JSON.parse(stored(STATE_FILE) ?? ''), emptyState());
  });

  test('over budget, resolved incidents go oldest first, then dead letters; open ones and queued messages stay', () => {
    const state = emptyState();
    const incident = (id: string, resolvedAt: number | null) =>
      ({ id, resolvedAt, timeline: [{ at: '', kind: 'x', message: 'y'.repeat(1000) }] }) as unknown as (typeof state.incidents)[number];
    state.incidents = [incident('old', 1), incident('open', null), incident('queued', 2), incident('newer', 3)];
    state.outbox = [{ notification: { incidentId: 'queued' } } as unknown as (typeof state.outbox)[number]];
    state.deadLetters = [{ id: 'd1' }, { id: 'd2' }] as unknown as typeof state.deadLetters;
    const newer = Buffer.byteLength(JSON.stringify(state.incidents[3])) + 1;
    assert.deepEqual(compactToFit(state, 10), { incidents: ['old'], deadLetters: 0 });
    assert.deepEqual(compactToFit(state, newer + 5), { incidents: ['newer'], deadLetters: 1 });
    assert.deepEqual(
      state.incidents.map((i) => i.id),
      ['open', 'queued'],
    );
    assert.deepEqual(state.deadLetters, [{ id: 'd2' }]);
  });
});

describe('ConfigMap store: the engine keeps its state under the budget', () => {
  test('old resolved incidents go first, oldest first; the open incident stays; the log says what went', async () => {
    const state = await tempDir();
    const config = configFor(state.dir);
    const clock = new FakeClock();
    try {
      const first = await IncidentManager.open({ config, log: silentLogger(), clock, documents: documents() });
      await first.evaluate(outage());
      await first.close();
      // 30 resolved incidents of ~2 KB each, cloned from the real one, the oldest resolved first
      const document = JSON.parse(stored(STATE_FILE) ?? '') as ReturnType<typeof emptyState>;
      const [open] = document.incidents;
      assert.ok(open);
      const resolved = Array.from({ length: 30 }, (_, i) => ({
        ...open,
        id: `INC-old-${String(i).padStart(2, '0')}`,
        status: 'RESOLVED' as const,
        resolvedAt: clock.now() - (30 - i) * 60_000,
        timeline: [...open.timeline, { at: new Date(0).toISOString(), kind: 'opened' as const, message: 'x'.repeat(2_000) }],
      }));
      document.incidents = [...resolved, open];
      await documents().write(STATE_FILE, JSON.stringify(document));
      const budget = Math.round(Buffer.byteLength(stored(STATE_FILE) ?? '') / 2);

      const lines: string[] = [];
      const log = createLogger({ destination: new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }) });
      const second = await IncidentManager.open({
        config,
        log,
        clock,
        documents: new ConfigMapDocuments({ ...documentOptions(), stateBudget: budget }),
      });
      await second.close();
      const text = stored(STATE_FILE) ?? '';
      assert.ok(Buffer.byteLength(text) <= budget, `${Buffer.byteLength(text)} bytes within the budget of ${budget}`);
      const kept = (JSON.parse(text) as typeof document).incidents.map((i) => i.id);
      assert.ok(kept.includes(open.id), 'the open incident stays');
      assert.ok(kept.includes('INC-old-29') && !kept.includes('INC-old-00'), `the newest history stays, the oldest goes: ${kept.join(' ')}`);
      const warning = lines.find((l) => l.includes('over its size budget'));
      assert.ok(warning?.includes('INC-old-00'), 'the log names what was dropped');
    } finally {
      await state.remove();
    }
  });
});

describe('incidents.store: kubernetes from the config', () => {
  test('a new engine on the same ConfigMap continues the open incident', async () => {
    const state = await tempDir();
    const config = configFor(state.dir);
    try {
      await withKubeconfig(async () => {
        const clock = new FakeClock();
        const first = await IncidentManager.open({ config, log: silentLogger(), clock });
        await first.evaluate(outage());
        const [opened] = first.list();
        assert.ok(opened?.open, 'an incident is open');
        await first.close();
        assert.match(stored(STATE_FILE) ?? '', new RegExp(opened.id));
        const second = await IncidentManager.open({ config, log: silentLogger(), clock });
        assert.deepEqual(
          second.list().map((i) => i.id),
          [opened.id],
        );
        await second.close();
      });
    } finally {
      await state.remove();
    }
  });

  test('an unusable state key is moved to incidents.json.corrupt for a human, and the engine writes a fresh one', async () => {
    const state = await tempDir();
    await documents().write(STATE_FILE, '{"version":1,"incidents":');
    try {
      await withKubeconfig(async () => {
        const manager = await IncidentManager.open({ config: configFor(state.dir), log: silentLogger(), clock: new FakeClock() });
        await manager.evaluate(outage());
        assert.equal(manager.metrics().stateProblem, null, 'the fresh state is written');
        await manager.close();
      });
      assert.equal(stored(`${STATE_FILE}.corrupt`), '{"version":1,"incidents":');
      assert.match(stored(STATE_FILE) ?? '', /"incidents":\[\{"id":"INC-/);
    } finally {
      await state.remove();
    }
  });

  test('a ConfigMap the daemon may not read stops the start (RP_ERR_STATE_STORE) instead of leading with no incidents', async () => {
    const state = await tempDir();
    kube.setScenario({ ...buildScenario('healthy'), forbidden: ['configmaps'] });
    try {
      await withKubeconfig(async () => {
        const err = await IncidentManager.open({ config: configFor(state.dir), log: silentLogger() }).then(
          (m) => m.close().then(() => null),
          (e: unknown) => e,
        );
        assert.ok(isProbeError(err) && err.code === 'RP_ERR_STATE_STORE', String(err));
        assert.match(err.message, new RegExp(`cannot be read from ConfigMap ${NS}/${name}.*403`));
      });
    } finally {
      kube.setScenario('healthy');
      await state.remove();
    }
  });

  test('without a cluster: RP_ERR_STATE_STORE naming the way out; kubernetes.enabled false is a config error', async () => {
    const config = testConfig('incidents: { store: kubernetes }');
    const nowhere = { env: {}, homeDir: '', fileExists: () => false };
    const err = await stateDocumentsFor(config, nowhere).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(isProbeError(err) && err.code === 'RP_ERR_STATE_STORE', String(err));
    assert.match(err.message, /incidents\.store is kubernetes but there is no Kubernetes API.*KUBECONFIG.*incidents\.store: file/);
    assert.throws(
      () => testConfig('kubernetes: { enabled: false }\nincidents: { store: kubernetes }'),
      /incidents\.store.*kubernetes\.enabled is false/,
    );
  });
});

function configFor(stateDir: string): ReturnType<typeof testConfig> {
  return testConfig(
    `kubernetes: { namespace: ${NS} }\nincidents: { store: kubernetes, configMap: ${name}, stateDir: ${JSON.stringify(stateDir)}, openAfter: 1 }\nnotify: [{ type: log }]`,
  );
}

/** the engine finds the cluster as the daemon does: through KUBECONFIG */
async function withKubeconfig(run: () => Promise<void>): Promise<void> {
  const saved = process.env['KUBECONFIG'];
  process.env['KUBECONFIG'] = kube.kubeconfigPath;
  try {
    await run();
  } finally {
    if (saved === undefined) delete process.env['KUBECONFIG'];
    else process.env['KUBECONFIG'] = saved;
  }
}
