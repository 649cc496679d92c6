/** Lease-based leader election through the real client library against the API stand-in's Lease endpoint. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, afterEach, before, describe, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { makeApis } from '../../src/clients/kubernetes/api.js';
import { LeaseElector, type Clock } from '../../src/leader/lease.js';
import { startKubeApiServer, type KubeApiServer } from '../helpers/kube-apiserver.js';

const LEASE_MS = 1_000;
const RENEW_MS = 200;
/** scheduling slack on a loaded 2-core machine */
const SLACK_MS = 250;

let server: KubeApiServer;
let leaseName = '';
let electors: LeaseElector[] = [];
let counter = 0;

before(async () => {
  server = await startKubeApiServer('healthy');
});
after(async () => {
  await server.close();
});
afterEach(async () => {
  await Promise.all(electors.map((e) => e.stop({ release: false })));
  electors = [];
});

function elector(identity: string, clock?: Clock): LeaseElector {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(server.kubeconfigPath);
  const e = new LeaseElector({
    api: makeApis(kubeConfig).coordination,
    namespace: 'default',
    leaseName,
    identity,
    leaseDurationMs: LEASE_MS,
    renewEveryMs: RENEW_MS,
    ...(clock ? { clock } : {}),
  });
  electors.push(e);
  return e;
}

function freshLease(): void {
  leaseName = `radar-probe-leader-${++counter}`;
}

async function renewals(e: LeaseElector, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await once(e, 'renewed');
}

async function firstLeader(a: LeaseElector, b: LeaseElector): Promise<[LeaseElector, LeaseElector]> {
  const winner = await Promise.race([once(a, 'leading').then(() => a), once(b, 'leading').then(() => b)]);
  return winner === a ? [a, b] : [b, a];
}

/** A fresh Lease and two replicas racing for it; resolves with [leader, follower]. */
async function startPair(): Promise<[LeaseElector, LeaseElector]> {
  freshLease();
  const a = elector('replica-a');
  const b = elector('replica-b');
  a.start();
  b.start();
  return firstLeader(a, b);
}

describe('LeaseElector', () => {
  test('two replicas: exactly one leads, the other follows it', async () => {
    const [leader, follower] = await startPair();
    await renewals(leader, 3);
    assert.equal(leader.isLeader(), true);
    assert.equal(follower.isLeader(), false);
    assert.equal(follower.holder(), leader.identity);
    const lease = server.leases.peek('default', leaseName);
    assert.equal(lease?.spec?.holderIdentity, leader.identity);
    assert.equal(lease?.spec?.leaseDurationSeconds, 1);
    assert.match(String(lease?.spec?.renewTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'renewTime is a MicroTime');
  });

  test('a killed leader (no release) is replaced within the lease duration', async () => {
    const [leader, follower] = await startPair();
    await renewals(leader, 2);
    const transitions = server.leases.peek('default', leaseName)?.spec?.leaseTransitions ?? 0;
    const killedAt = Date.now();
    await leader.stop({ release: false });
    await once(follower, 'leading');
    const takeoverMs = Date.now() - killedAt;
    assert.ok(takeoverMs <= LEASE_MS + SLACK_MS, `took over after ${takeoverMs} ms`);
    assert.ok(takeoverMs >= LEASE_MS - RENEW_MS - SLACK_MS, `took over too early (${takeoverMs} ms): the dead leader's claim was still valid`);
    const lease = server.leases.peek('default', leaseName);
    assert.equal(lease?.spec?.holderIdentity, follower.identity);
    assert.equal(lease?.spec?.leaseTransitions, transitions + 1);
  });

  test('a leader that stops releases the lease and the other takes over at its next round', async () => {
    const [leader, follower] = await startPair();
    const stoppedLeading = once(leader, 'stopped-leading');
    const stoppedAt = Date.now();
    await leader.stop();
    assert.deepEqual(await stoppedLeading, ['stopped']);
    await once(follower, 'leading');
    const takeoverMs = Date.now() - stoppedAt;
    assert.ok(takeoverMs < RENEW_MS + SLACK_MS, `took over after ${takeoverMs} ms`);
  });

  test('simultaneous creates: one wins, the other gets 409 AlreadyExists and follows', async () => {
    freshLease();
    const a = elector('replica-a');
    const b = elector('replica-b');
    const results = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()]);
    assert.equal(results.filter(Boolean).length, 1, `results ${results.join(',')}`);
    const winner = results[0] ? a : b;
    assert.equal(server.leases.peek('default', leaseName)?.spec?.holderIdentity, winner.identity);
  });

  test('simultaneous takeovers of a lapsed lease: one PUT wins, the stale one gets 409 Conflict and re-reads', async () => {
    freshLease();
    const old = new Date(Date.now() - 60_000).toISOString().replace('Z', '000Z');
    server.leases.create('default', {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: leaseName },
      spec: { holderIdentity: 'ghost', leaseDurationSeconds: 1, renewTime: old, acquireTime: old, leaseTransitions: 4 },
    });
    const conflictsBefore = server.leases.conflicts;
    const a = elector('replica-a');
    const b = elector('replica-b');
    const results = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()]);
    assert.equal(results.filter(Boolean).length, 1, `results ${results.join(',')}`);
    assert.ok(server.leases.conflicts > conflictsBefore, 'the losing write was refused for its resourceVersion');
    const lease = server.leases.peek('default', leaseName);
    assert.equal(lease?.spec?.leaseTransitions, 5);
    assert.equal((results[0] ? b : a).holder(), (results[0] ? a : b).identity);
  });

  test('a renewal that hits a conflict re-reads and renews', async () => {
    freshLease();
    const a = elector('replica-a');
    assert.equal(await a.tryAcquireOrRenew(), true);
    const conflictsBefore = server.leases.conflicts;
    server.leases.injectConflicts(1);
    let renewed = 0;
    a.on('renewed', () => renewed++);
    assert.equal(await a.tryAcquireOrRenew(), true);
    assert.equal(server.leases.conflicts, conflictsBefore + 1);
    assert.equal(renewed, 1, 'the claim was written again after the conflict');
    assert.equal(a.isLeader(), true);
  });

  test('leadership ends by the clock even before a renewal round notices', async () => {
    freshLease();
    let offset = 0;
    const a = elector('replica-a', { now: () => Date.now() + offset });
    assert.equal(await a.tryAcquireOrRenew(), true);
    offset = LEASE_MS + 1;
    assert.equal(a.isLeader(), false);
  });

  test('a replica whose clock says the lease lapsed takes it; the old leader steps down on its next round', async () => {
    freshLease();
    const a = elector('replica-a');
    const b = elector('replica-b', { now: () => Date.now() + 10_000 });
    assert.equal(await a.tryAcquireOrRenew(), true);
    assert.equal(await b.tryAcquireOrRenew(), true);
    const stepped = once(a, 'stopped-leading');
    assert.equal(await a.tryAcquireOrRenew(), false);
    assert.deepEqual(await stepped, ['lease taken by replica-b']);
  });

  test('a Role without leases: api-error with RP_ERR_K8S_FORBIDDEN, never leads', async () => {
    freshLease();
    const state = server.state();
    server.setScenario({ ...state, forbidden: ['leases'] });
    try {
      const a = elector('replica-a');
      const failed = once(a, 'api-error');
      assert.equal(await a.tryAcquireOrRenew(), false);
      const [error] = (await failed) as [{ code: string; message: string }];
      assert.equal(error.code, 'RP_ERR_K8S_FORBIDDEN');
      assert.match(error.message, /HTTP 403 Forbidden: leases is forbidden/);
    } finally {
      server.setScenario(state);
    }
  });
});
