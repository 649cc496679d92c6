/**
 * Leader failover through real `probe daemon` processes: two replicas on one Lease watch the same failing API and
 * share incident state through the chosen store — one state directory (`file`), or one ConfigMap with a separate
 * scratch directory per replica (`kubernetes`: no shared volume). Only the leader pages; after it is SIGKILLed the
 * other takes over within the lease duration and carries on with the same incident, without a second trigger.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';
import { parseFault } from '../../src/demo/faults.js';
import { killOnExit, startDaemon, type DaemonProcess } from '../daemon/harness.js';
import { startKubeApiServer, type KubeApiServer } from '../helpers/kube-apiserver.js';
import { waitFor } from '../helpers/prometheus-server.js';
import { startReceiver, triggers, type Receiver } from './receiver.js';

const LEASE_MS = 3_000;
const RENEW_MS = 1_000;
const LEASE = 'radar-probe-leader';

interface IncidentList {
  open: number;
  incidents: { id: string; open: boolean; status: string }[];
}

export type Store = 'file' | 'kubernetes';
const STATE_CONFIGMAP = 'radar-probe-state';

const configFor = (api: SimulatedApi, receiver: Receiver, stateDir: string, store: Store): string => `
target: ${api.url}
timeout: 2s
kubernetes:
  namespace: prod
  leaderElection: { enabled: true, leaseName: ${LEASE}, leaseDuration: ${LEASE_MS}ms, renewEvery: ${RENEW_MS}ms }
external: { openai: { enabled: false }, github: { enabled: false } }
daemon: { host: 127.0.0.1, interval: 1s, window: 4s }
incidents: { store: ${store}, configMap: ${STATE_CONFIGMAP}, stateDir: ${JSON.stringify(stateDir)}, openAfter: 2, verifyWindow: 3s }
notify:
  - { type: webhook, url: ${JSON.stringify(receiver.url)}, retry: { initial: 200ms, max: 1s } }
`;

async function openIncidents(daemon: DaemonProcess): Promise<IncidentList> {
  return JSON.parse((await daemon.get('/api/incidents?status=open')).text) as IncidentList;
}

const leaderGauge = async (d: DaemonProcess): Promise<number | undefined> => d.metric('probe_leader', {});
const sent = async (d: DaemonProcess): Promise<number> => (await d.metric('probe_notifications_total', { sink: 'webhook', outcome: 'sent' })) ?? 0;

export function failoverSuite(store: Store, title: string): void {
  describe(title, { concurrency: false }, () => {
    let kube: KubeApiServer;
    let api: SimulatedApi;
    let receiver: Receiver;
    const replicas = new Map<string, DaemonProcess>();
    let leader: DaemonProcess;
    let follower: DaemonProcess;
    let incidentId = '';

    before(async () => {
      kube = await startKubeApiServer('healthy', { workload: { namespace: 'prod' } });
      api = await startSimulatedApi({ port: 0, fault: parseFault('outage') });
      receiver = await startReceiver();
      // what `kubectl apply -k k8s` leaves: the state ConfigMap, empty
      if (store === 'kubernetes') kube.configMaps.seed('prod', STATE_CONFIGMAP);
      const shared = mkdtempSync(join(tmpdir(), 'rp-e2e-shared-state-'));
      // with the ConfigMap store each replica gets its own directory (an emptyDir): nothing on disk is shared
      const stateDir = (pod: string): string => (store === 'file' ? shared : mkdtempSync(join(tmpdir(), `rp-e2e-${pod}-`)));
      const started = await Promise.all(
        ['radar-probe-a', 'radar-probe-b'].map((pod) =>
          startDaemon(configFor(api, receiver, stateDir(pod), store), { env: { KUBECONFIG: kube.kubeconfigPath, POD_NAME: pod } }).then(
            (d) => [pod, d] as const,
          ),
        ),
      );
      for (const [pod, daemon] of started) replicas.set(pod, daemon);
    });
    after(async () => {
      for (const daemon of replicas.values()) killOnExit(daemon);
      await receiver.close();
      await api.close();
      await kube.close();
    });

    test('exactly one leader: probe_leader 1 on one replica, 0 on the other, and the Lease names it', async () => {
      const [a, b] = [...replicas.values()] as [DaemonProcess, DaemonProcess];
      const gauges = await waitFor(
        'one leader',
        async () => {
          const both = [await leaderGauge(a), await leaderGauge(b)];
          return both.sort().join(',') === '0,1' ? both : undefined;
        },
        { timeoutMs: 5_000 },
      );
      assert.deepEqual(gauges, [0, 1]);
      const holder = kube.leases.peek('prod', LEASE)?.spec?.holderIdentity;
      assert.ok(holder && replicas.has(holder), `the Lease names a replica: ${holder}`);
      leader = replicas.get(holder)!;
      follower = [...replicas.values()].find((d) => d !== leader)!;
      assert.equal(await leaderGauge(leader), 1);
      assert.equal(await leaderGauge(follower), 0);
    });

    test('the incident opens and is paged once, by the leader only; the follower sees it in the shared state', async () => {
      const page = await receiver.waitFor((m) => m.body.kind === 'open', 8_000, 'INCIDENT trigger');
      incidentId = page.body.incidentId;
      assert.equal(page.body.severity, 'P0');
      await leader.waitFor((l) => l.msg === 'incident opened' && l['incident'] === incidentId, 2_000, 'the leader opening it');
      // the follower evaluates too (it probes and serves metrics) but reads the incident from the shared state
      await waitFor(
        'the follower to show the incident',
        async () => ((await openIncidents(follower)).incidents.some((i) => i.id === incidentId) ? true : undefined),
        { timeoutMs: 5_000 },
      );
      assert.equal(await follower.metric('probe_severity', { severity: 'P0' }), 1, 'the follower probes and rates the outage itself');
      assert.ok(!follower.lines.some((l) => l.msg === 'incident opened'), 'the follower opened nothing');
      assert.equal(await sent(follower), 0, 'the follower sent nothing');
      assert.ok((await sent(leader)) >= 1, 'the leader sent the page');
      assert.equal(triggers(receiver).length, 1);
      if (store === 'kubernetes') assert.match(kube.configMaps.peek('prod', STATE_CONFIGMAP)?.data?.['incidents.json'] ?? '', new RegExp(incidentId));
    });

    test('SIGKILL the leader: the follower takes over within the lease duration and continues the same incident', async (t) => {
      assert.ok(incidentId, 'needs the incident from the previous test');
      const killedAt = Date.now();
      await leader.stop('SIGKILL');
      // the new leader's first writes lose races it must win by re-reading, never by dropping a change
      const conflictsBefore = kube.configMaps.conflicts;
      if (store === 'kubernetes') kube.configMaps.injectConflicts(3);
      const took = await follower.waitFor(
        (l) => l.msg.startsWith('became leader') && Date.parse(String(l['time'])) >= killedAt,
        LEASE_MS + RENEW_MS + 2_000,
        'takeover',
      );
      const takeoverMs = Date.parse(String(took['time'])) - killedAt;
      assert.ok(takeoverMs <= LEASE_MS + RENEW_MS, `took over ${takeoverMs} ms after the kill (lease ${LEASE_MS} ms + one renew period)`);
      assert.equal(kube.leases.peek('prod', LEASE)?.spec?.holderIdentity, [...replicas].find(([, d]) => d === follower)?.[0]);
      await waitFor('probe_leader 1 on the new leader', async () => ((await leaderGauge(follower)) === 1 ? true : undefined), { timeoutMs: 2_000 });

      // a new leader that did not know the incident would open it again at its openAfter-th (2nd) evaluation: give it 4
      const evaluations = async (): Promise<number> => (await follower.metric('probe_evaluations_total', {})) ?? 0;
      const from = await evaluations();
      await waitFor('4 evaluations as leader', async () => ((await evaluations()) >= from + 4 ? true : undefined), { timeoutMs: 8_000 });
      await waitFor('the outbox to drain', async () => ((await follower.metric('probe_notify_outbox_depth', {})) === 0 ? true : undefined), {
        timeoutMs: 5_000,
      });
      const open = await openIncidents(follower);
      assert.deepEqual(
        open.incidents.map((i) => i.id),
        [incidentId],
        'the same single incident is open',
      );
      assert.equal(triggers(receiver).length, 1, `no second trigger: ${receiver.received.map((m) => `${m.body.kind} ${m.body.eventId}`).join(', ')}`);
      assert.ok(!follower.lines.some((l) => l.msg === 'incident opened'), 'the new leader opened nothing');
      if (store === 'kubernetes') {
        assert.equal(kube.configMaps.conflicts - conflictsBefore, 3, 'the injected 409s were met');
        const stored = JSON.parse(kube.configMaps.peek('prod', STATE_CONFIGMAP)?.data?.['incidents.json'] ?? '{}') as IncidentList;
        assert.deepEqual(
          stored.incidents.map((i) => i.id),
          [incidentId],
          'the ConfigMap holds the same incident',
        );
      }
      t.diagnostic(`takeover ${takeoverMs} ms after SIGKILL (lease ${LEASE_MS} ms, renew ${RENEW_MS} ms)`);
    });

    test('the new leader resolves that incident when the API recovers', async () => {
      assert.ok(incidentId, 'needs the incident from the previous tests');
      api.setFault(parseFault('none'));
      const resolved = await receiver.waitFor((m) => m.body.kind === 'resolve', 15_000, 'INCIDENT RESOLVED');
      assert.equal(resolved.body.incidentId, incidentId);
      assert.equal((await openIncidents(follower)).open, 0);
      assert.equal(triggers(receiver).length, 1);
      assert.ok((await sent(follower)) >= 1, 'the new leader sent it');
    });
  });
}
