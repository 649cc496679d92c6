import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEvaluation, type LifecycleEnv } from '../../src/incidents/lifecycle.js';
import { queueNotification, type PagingContext } from '../../src/incidents/paging.js';
import { emptyState } from '../../src/incidents/state.js';
import { Outbox } from '../../src/notify/outbox.js';
import { buildSinks } from '../../src/notify/sinks/from-config.js';
import { testConfig } from '../helpers/context.js';
import { finding, T0 } from './helpers.js';

const env = (now: number): LifecycleEnv => ({
  now,
  service: 'api',
  openAfter: 1,
  verifyWindowMs: 60_000,
  policy: { levels: ['on-call'], after: {}, route: {} },
  newId: (family) => `INC-${now}-${family}`,
});

test('while a P0 is open for a service, a P2 of the same service (a state from an older version) pages nobody', () => {
  const state = emptyState();
  const reading = (severity: 'P0' | 'P2') => {
    const findings = [finding(severity === 'P0' ? 'api_outage' : 'high_latency', severity)];
    return { findings, recent: findings, verifyFailures: [], evidence: true, judgedFrom: T0 };
  };
  applyEvaluation(state, reading('P0'), env(T0));
  // an older version kept one incident per family: a second, P2 one may be open beside the P0
  const legacy = structuredClone(state.incidents[0]);
  Object.assign(legacy, { id: 'INC-legacy-latency', family: 'latency', severity: 'P2', paged: true, timeline: [] });
  state.incidents.push(legacy);
  const ctx: PagingContext = {
    state,
    outbox: new Outbox(() => state.outbox),
    sinks: buildSinks(testConfig('notify: [{ type: log }]\n').notify),
    policy: env(T0).policy,
    windows: [],
    now: T0,
    updatesUrl: '',
    verifyWindowMs: 60_000,
  };
  queueNotification(ctx, legacy, 'update', { note: 'severity upgraded' });
  assert.equal(ctx.outbox.depth(), 0, 'inhibited');
  assert.match(legacy.timeline.at(-1)?.message ?? '', /not sent: INC-\d+-availability \(P0\) is open for api/);
  queueNotification(ctx, legacy, 'resolve');
  assert.equal(ctx.outbox.depth(), 1, 'a resolution is never inhibited');
  // with one incident per episode, new findings of any family join the P0 instead of opening a second one
  applyEvaluation(state, reading('P2'), env(T0 + 1_000));
  assert.equal(state.incidents.length, 2);
  assert.deepEqual(
    state.incidents[0].findings.map((f) => f.cause),
    ['api_outage', 'high_latency'],
  );
});
