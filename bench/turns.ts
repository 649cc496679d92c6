/**
 * The longest turn of the event loop during one evaluation and one scrape at N endpoints with a full window
 * (in-process, nothing probed): what every probe due meanwhile waits for. A 20 s daemon bench does not show the
 * evaluation's share: its windows hold only the samples since start. Each is run in one piece (as before) and in
 * slices (as the daemon runs them), five times each, alternating; the figure is the median.
 *
 *   npm run bench:turns -- [--endpoints 20000] [--samples 30]
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { parseConfigText } from '../src/config/load.js';
import { evaluate, evaluation, type LatestResult } from '../src/daemon/evaluate.js';
import { DaemonMetrics } from '../src/metrics/daemon-metrics.js';
import { RollingWindows } from '../src/metrics/windows.js';
import { endpointResult } from './endpoint-result.js';
import { findingBuilderFor } from '../src/runbook/fill.js';
import { runInSlices } from '../src/support/slices.js';

const { values: flags } = parseArgs({ options: { endpoints: { type: 'string', default: '20000' }, samples: { type: 'string', default: '30' } } });
const endpoints = Number(flags.endpoints);
const samples = Number(flags.samples);

/** the longest gap between two turns of the loop while `work` runs, and its wall time, in ms */
async function longestTurn(work: () => Promise<unknown>): Promise<{ longest: number; wall: number }> {
  let longest = 0;
  let done = false;
  const watching = (async () => {
    let last = performance.now();
    while (!done) {
      await nextTurn();
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }
  })();
  const started = performance.now();
  await work();
  const wall = performance.now() - started;
  done = true;
  await watching;
  return { longest, wall };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const config = parseConfigText('daemon: { window: 5m }', 'bench');
  const raise = findingBuilderFor(config);
  const metrics = new DaemonMetrics(() => undefined);
  metrics.detailUpTo(endpoints, 100);
  // a full 5-minute window at 10 s: `samples` results per endpoint, spread over the window, durations 1–100 ms
  const now = Date.now();
  const windows = new RollingWindows(300_000, () => now);
  const latest: LatestResult[] = [];
  for (let s = 0; s < samples; s++)
    for (let i = 0; i < endpoints; i++) {
      const r = endpointResult(`ep-${String(i).padStart(5, '0')}`, 1 + ((i * 31 + s * 17) % 100));
      windows.record(r, now - (samples - s) * 10_000 + 5_000);
      metrics.observe(r);
      if (s === samples - 1) latest.push({ result: r, finishedAt: now, everyMs: 10_000 });
    }
  const runs = {
    'evaluation, one piece': () => Promise.resolve(void (evaluate(latest, windows, config, now, raise), metrics.setWindows(windows))),
    'evaluation, in slices': async () => {
      await runInSlices(evaluation(latest, windows, config, now, raise));
      await runInSlices(metrics.windowsInSlices(windows));
    },
    'scrape, in slices': () => metrics.text(),
  };
  const figures = new Map<string, { longest: number[]; wall: number[] }>();
  for (let round = 0; round < 6; round++)
    for (const [name, run] of Object.entries(runs)) {
      const { longest, wall } = await longestTurn(run);
      // the first round warms up the code
      if (round === 0) continue;
      const f = figures.get(name) ?? { longest: [], wall: [] };
      f.longest.push(longest);
      f.wall.push(wall);
      figures.set(name, f);
    }
  const lines = [
    `${endpoints.toLocaleString('en')} endpoints, ${samples} samples each in the window (median of 5)`,
    '| work | longest turn ms | wall ms |',
    '| --- | ---: | ---: |',
    ...[...figures].map(([name, f]) => `| ${name} | ${median(f.longest).toFixed(1)} | ${median(f.wall).toFixed(1)} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
