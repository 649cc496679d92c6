/** Loading a probe kind's code is not timed as anyone's latency: the runner loads every kind before clocks start. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Runner } from '../../src/runner/runner.js';
import { z } from 'zod';
import { ProbeRegistry } from '../../probes/registry.js';
import type { ProbeKind, ProbeSpec } from '../../probes/types.js';
import { testConfig, testContext } from '../helpers/context.js';

const COMPILE_MS = 300;

/** Blocks the event loop as compiling a large module does, once, on first load or first run. */
function heavyKind(): ProbeKind {
  let loaded = false;
  const load = async (): Promise<void> => {
    if (loaded) return;
    loaded = true;
    const until = Date.now() + COMPILE_MS;
    while (Date.now() < until); // synchronous on purpose: that is what module compilation does to the loop
  };
  return { name: 'heavy', params: z.unknown(), load, run: async () => (await load(), { status: 'pass' }) };
}

/** Measures how late a 1 ms timer fires while it runs: what an HTTP probe beside it would add to its latency. */
const loopKind: ProbeKind = {
  name: 'loop',
  params: z.unknown(),
  run: async () => {
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 1));
    return { status: 'pass', metrics: { lateMs: performance.now() - started } };
  },
};

test('a kind that compiles on first use does not stall the probes running beside it', async () => {
  const ctx = testContext(testConfig());
  try {
    const runner = new Runner({
      kinds: new ProbeRegistry().register(heavyKind()).register(loopKind),
      base: ctx,
      defaultTimeoutMs: 5_000,
    });
    // The loop probe first, so its timer is already pending when the heavy kind would compile.
    const specs: ProbeSpec[] = [
      { name: 'loop', kind: 'loop', params: {} },
      { name: 'heavy', kind: 'heavy', params: {} },
    ];
    const [loop, heavy] = await runner.runAll(specs);
    assert.equal(heavy?.status, 'pass');
    const late = Number(loop?.metrics['lateMs']);
    assert.ok(late < COMPILE_MS / 2, `the loop probe measured ${late.toFixed(0)} ms for a 1 ms timer`);
    assert.ok((heavy?.durationMs ?? Infinity) < COMPILE_MS / 2, `the heavy probe's own duration excludes its loading (${heavy?.durationMs} ms)`);
  } finally {
    await ctx.close();
  }
});
