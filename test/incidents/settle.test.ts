import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FLAKY_DOWN_AFTER_SAMPLES } from '../../src/daemon/evaluate.js';
import { applyEvaluation, type Effect, type LifecycleEnv } from '../../src/incidents/lifecycle.js';
import { SETTLE_EVALUATIONS, SETTLE_MAX_MS } from '../../src/incidents/settle.js';
import { emptyState, parseState, type IncidentState } from '../../src/incidents/state.js';
import type { Severity } from '../../src/model/types.js';
import { finding, T0 } from './helpers.js';

const INTERVAL = 1_000;
const CAUSE: Record<Severity, string> = { P0: 'api_outage', P1: 'high_error_rate', P2: 'high_error_rate', P3: 'high_latency' };

/** One evaluation per tick of a fake clock; the state goes through its file format between evaluations (a restart). */
class Episode {
  state: IncidentState = emptyState();
  now = T0;
  sent: string[] = [];
  notes: string[] = [];

  evaluate(severity: Severity | null): void {
    const findings = severity ? [finding(CAUSE[severity], severity)] : [];
    const env: LifecycleEnv = {
      now: this.now,
      service: 'api',
      openAfter: 1,
      verifyWindowMs: 2 * INTERVAL,
      policy: { levels: ['on-call'], after: {}, route: {} },
      newId: (family) => `INC-${family}`,
    };
    const effects = applyEvaluation(this.state, { findings, recent: findings, verifyFailures: [], evidence: true, judgedFrom: this.now }, env);
    for (const e of effects.filter((x): x is Extract<Effect, { type: 'notify' }> => x.type === 'notify')) {
      this.sent.push(`${e.kind}:${e.incident.severity}${e.previousSeverity ? `<${e.previousSeverity}` : ''}`);
      if (e.note) this.notes.push(e.note);
    }
    const reread = parseState(JSON.parse(JSON.stringify(this.state)));
    assert.ok(reread.ok);
    this.state = reread.state;
  }

  tick(severity: Severity | null, ms = INTERVAL): void {
    this.now += ms;
    this.evaluate(severity);
  }
}

describe('one worsening episode sends one update', () => {
  test('P2 → P1 → P0 within a few evaluations: one update, from P2 to P0', () => {
    const episode = new Episode();
    episode.evaluate('P2');
    episode.tick('P1');
    for (let i = 0; i < SETTLE_EVALUATIONS - 1; i++) episode.tick('P1');
    episode.tick('P0');
    episode.tick('P0');
    assert.deepEqual(episode.sent, ['open:P2', 'update:P0<P2']);
    assert.deepEqual(episode.notes, ['severity upgraded from P2 to P0']);
    assert.equal(episode.state.incidents[0].heldUpdate, null);
  });

  test('P2 → P1 that stays P1 sends its P1 update once the severity settles, well inside the P1 deadline', () => {
    const episode = new Episode();
    episode.evaluate('P2');
    episode.tick('P1');
    const risen = episode.now;
    while (episode.sent.length < 2 && episode.now - risen < 15 * 60_000) episode.tick('P1');
    assert.deepEqual(episode.sent, ['open:P2', 'update:P1<P2']);
    assert.equal(episode.now - risen, SETTLE_EVALUATIONS * INTERVAL);
    for (let i = 0; i < 10; i++) episode.tick('P1');
    assert.equal(episode.sent.length, 2);
  });

  test('with a long interval the hold ends at the time cap, not after several intervals', () => {
    const episode = new Episode();
    episode.evaluate('P2');
    episode.tick('P1', 4 * 60_000);
    episode.tick('P1', 4 * 60_000);
    assert.deepEqual(episode.sent, ['open:P2']);
    episode.tick('P1', 4 * 60_000);
    assert.deepEqual(episode.sent, ['open:P2', 'update:P1<P2']);
    assert.ok(8 * 60_000 >= SETTLE_MAX_MS);
  });

  test('a rise straight to P0 goes out at once', () => {
    const episode = new Episode();
    episode.evaluate('P2');
    episode.tick('P0');
    assert.deepEqual(episode.sent, ['open:P2', 'update:P0<P2']);
  });

  test('a held update goes out before the recovery is verified, never after the resolution', () => {
    const episode = new Episode();
    episode.evaluate('P2');
    episode.tick('P1');
    episode.tick(null);
    assert.deepEqual(episode.sent, ['open:P2', 'update:P1<P2']);
    for (let i = 0; i < 4; i++) episode.tick(null);
    assert.deepEqual(episode.sent, ['open:P2', 'update:P1<P2', 'resolve:P1']);
  });

  test('the settle time covers the longest gap between the error-rate band and the outage reading', () => {
    assert.ok(SETTLE_EVALUATIONS >= FLAKY_DOWN_AFTER_SAMPLES - 1);
  });
});
