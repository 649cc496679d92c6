/** The runner owns timeouts: a result on time whatever the probe does, and nothing of a probe left armed after it. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { z } from 'zod';
import { ProbeRegistry } from '../../probes/registry.js';
import type { ProbeKind, ProbeSpec } from '../../probes/types.js';
import { Runner } from '../../src/runner/runner.js';
import { testConfig, testContext } from '../helpers/context.js';

/** Never answers, and ignores its signal. */
const hangs: ProbeKind = { name: 'hangs', params: z.unknown(), run: () => new Promise(() => undefined) };
/** Answers with its own verdict once its signal aborts: what a well-behaved probe does at its deadline. */
const honours: ProbeKind = {
  name: 'honours',
  params: z.unknown(),
  run: async (_p, ctx) => {
    await once(ctx.signal, 'abort');
    return { status: 'fail', reason: 'cut at the deadline, classified by the probe' };
  },
};
const quick: ProbeKind = { name: 'quick', params: z.unknown(), run: async () => ({ status: 'pass' }) };

function runnerWith(signal?: AbortSignal): { runner: Runner; close: () => Promise<void> } {
  const ctx = testContext(testConfig());
  const kinds = new ProbeRegistry().register(hangs).register(honours).register(quick);
  return { runner: new Runner({ kinds, base: ctx, defaultTimeoutMs: 5_000, ...(signal ? { signal } : {}) }), close: () => ctx.close() };
}

const spec = (kind: string, timeoutMs?: number): ProbeSpec => ({ name: kind, kind, params: {}, ...(timeoutMs ? { timeoutMs } : {}) });
const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('a probe that hangs is answered for at its deadline plus the grace; one that honours its signal answers itself', async () => {
  const { runner, close } = runnerWith();
  try {
    const started = performance.now();
    const [hung, honest] = await runner.runAll([spec('hangs', 50), spec('honours', 50)]);
    const elapsed = performance.now() - started;
    assert.equal(hung?.status, 'error');
    assert.equal(hung?.error?.code, 'RP_ERR_PROBE_TIMEOUT');
    assert.equal(honest?.status, 'fail');
    assert.match(honest?.reason ?? '', /classified by the probe/);
    assert.ok(elapsed >= 50 + 150 - 5, `answered for the hung probe before the grace ended (${elapsed} ms)`);
  } finally {
    await close();
  }
});

test('a probe that answered leaves no timer behind: neither its deadline nor a grace period', async () => {
  const { runner, close } = runnerWith(new AbortController().signal);
  try {
    await runner.runAll([spec('quick')]);
    const before = timers();
    const results = await runner.runAll(Array.from({ length: 50 }, (_, i) => ({ ...spec('quick'), name: `q${i}` })));
    assert.ok(results.every((r) => r.status === 'pass'));
    assert.equal(timers(), before, 'timers still armed after every probe answered');
  } finally {
    await close();
  }
});

test('cancelling the run aborts every probe in flight', async () => {
  const cancel = new AbortController();
  const { runner, close } = runnerWith(cancel.signal);
  try {
    const pending = runner.runAll(Array.from({ length: 20 }, (_, i) => ({ ...spec('honours'), name: `h${i}` })));
    setImmediate(() => cancel.abort());
    const results = await pending;
    assert.ok(
      results.every((r) => r.status === 'fail'),
      JSON.stringify(results.map((r) => r.status)),
    );
    // a probe started after the cancel is cancelled at once
    const [late] = await runner.runAll([spec('hangs')]);
    assert.equal(late?.error?.code, 'RP_ERR_PROBE_ABORTED');
  } finally {
    await close();
  }
});
