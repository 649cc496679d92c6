/**
 * At 20,000 endpoints one evaluation or one scrape is 50–200 ms of CPU; in one turn of the event loop every probe due
 * meanwhile starts that much late. Both run in slices of SLICE_ITEMS probes with the loop served in between, and give
 * what they gave in one piece.
 */
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { DaemonMetrics } from '../../src/metrics/daemon-metrics.js';
import { RollingWindows } from '../../src/metrics/windows.js';
import { evaluate, evaluation, type LatestResult } from '../../src/daemon/evaluate.js';
import { findingBuilderFor } from '../../src/runbook/fill.js';
import { runInSlices, SLICE_ITEMS } from '../../src/support/slices.js';
import type { ProbeResult } from '../../src/model/types.js';
import { testConfig } from '../helpers/context.js';

const PROBES = 3 * SLICE_ITEMS + 7;

const result = (name: string, ms: number, ok: boolean): ProbeResult => ({
  name,
  kind: 'http',
  status: ok ? 'pass' : 'fail',
  durationMs: ms,
  metrics: { statusCode: ok ? 200 : 503, phases: { resolve: 0.1, connect: 0.2, tls: 0, processing: ms - 0.5, transfer: 0.2 } },
  details: { sampleDurationsMs: [ms], sampleOk: [ok] },
  data: {
    kind: 'http',
    path: '/',
    method: 'GET',
    statusCode: ok ? 200 : 503,
    bytes: 0,
    phases: { resolve: 0.1, connect: 0.2, tls: 0, processing: ms - 0.5, transfer: 0.2 },
    samples: [{ ms, ok, timedOut: false, status: ok ? 200 : 503 }],
  },
});

/** how many turns of the event loop pass while `work` runs */
async function turnsDuring<T>(work: Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let done = false;
  const counting = (async () => {
    while (!done) {
      await nextTurn();
      turns++;
    }
  })();
  const value = await work;
  done = true;
  await counting;
  return { value, turns };
}

function filled(): { metrics: DaemonMetrics; windows: RollingWindows; latest: LatestResult[] } {
  const metrics = new DaemonMetrics(() => undefined);
  metrics.detailUpTo(PROBES, 100);
  const windows = new RollingWindows(300_000);
  const latest: LatestResult[] = [];
  for (let run = 0; run < 3; run++)
    for (let i = 0; i < PROBES; i++) {
      // one probe in ten failing its latest two runs: down, so the verdict is not trivially healthy
      const r = result(`ep-${i}`, 2 + (i % 7), !(i % 10 === 0 && run > 0));
      metrics.observe(r);
      windows.record(r);
      if (run === 2) latest.push({ result: r, finishedAt: Date.now(), everyMs: 10_000 });
    }
  metrics.setWindows(windows);
  return { metrics, windows, latest };
}

describe('per-probe work in slices', () => {
  test('a scrape serves the event loop at least every SLICE_ITEMS series; each family is whole, once', async () => {
    const { metrics } = filled();
    const { value: text, turns } = await turnsDuring(metrics.text());
    const types = text.split('\n').filter((line) => line.startsWith('# TYPE '));
    assert.equal(new Set(types).size, types.length);
    // every series line of a family follows its own header: no slice was lost or interleaved with another family
    let family = '';
    for (const line of text.split('\n')) {
      if (line.startsWith('# TYPE ')) family = line.split(' ')[2];
      else if (line && !line.startsWith('#')) assert.ok(line.startsWith(family), `${line} under ${family}`);
    }
    // probe_runs_total alone has one series per probe here, so it takes three or more slices on its own
    const series = text.split('\n').filter((line) => line && !line.startsWith('#')).length;
    assert.ok(turns >= Math.floor(series / SLICE_ITEMS), `${turns} turns for ${series} series`);
    assert.match(text, new RegExp(`probe_runs_total\\{probe="ep-${PROBES - 1}",kind="http",result="pass"\\} 3\\n`));
  });

  test('an evaluation and the window gauges yield between slices and reach the same verdict as in one piece', async () => {
    const config = testConfig('daemon: { window: 5m }');
    const { metrics, windows, latest } = filled();
    const now = Date.now();
    const whole = evaluate(latest, windows, config, now);
    let yields = 0;
    const steps = evaluation(latest, windows, config, now, findingBuilderFor(config));
    let step = steps.next();
    for (; !step.done; step = steps.next()) yields++;
    assert.ok(yields >= 2 * Math.floor(PROBES / SLICE_ITEMS), `${yields} yields`);
    const sliced = step.value;
    assert.deepEqual({ ...sliced, durationMs: 0 }, { ...whole, durationMs: 0 });
    assert.ok(sliced.findings.length > 0 && sliced.severity !== null, JSON.stringify(sliced.findings.map((f) => f.summary)));
    assert.equal(sliced.probes.length, PROBES);
    const { turns } = await turnsDuring(runInSlices(metrics.windowsInSlices(windows)));
    assert.ok(turns >= Math.floor(PROBES / SLICE_ITEMS), `${turns} turns`);
  });

  test("the incident engine's recovery view (the windows since a moment) is copied in slices, the same as in one piece", async () => {
    const { windows } = filled();
    const { value: recent, turns } = await turnsDuring(runInSlices(windows.sinceInSlices(0)));
    assert.ok(turns >= Math.floor(PROBES / SLICE_ITEMS), `${turns} turns`);
    const whole = windows.since(0);
    for (const name of ['ep-0', 'ep-1', `ep-${PROBES - 1}`]) assert.deepEqual(recent.stats(name), whole.stats(name));
    assert.equal(recent.names().length, PROBES);
  });
});
