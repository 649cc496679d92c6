/**
 * Load bench: one local target (a child process), raw autocannon, our load probe and wrk side by side, against
 * injected delays of 0, 20 and 200 ms, closed-loop and at a fixed rate. Prints a Markdown table of medians over
 * interleaved rounds (autocannon and the probe back to back in each round, in alternating order).
 * Targets: our req/s ≥ 0.95 × raw autocannon's in closed loop at every delay, as the median of each round's ratio,
 * and at 0 ms our CPU per request ≤ autocannon's (guarded: PASS/FAIL lines, exit code 1 on a FAIL unless
 * `--no-guard`); our p50/p95 within 2 % of the injected delay plus the no-delay baseline. Loopback only; about two
 * minutes. Run: `node dist/bench/load.js [--no-guard]`. See docs/benchmarks.md.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { ours, rawAutocannon, wrk, type Figures, type RunSpec } from './load-generators.js';
import { median, MIN_RATIO, verdictLines, verdicts } from './load-guard.js';

const CONNECTIONS = 10;
const CLOSED_MS = 2_000;
/**
 * The guarded pair (autocannon and the probe, closed loop): rounds and run length per delay. At 0 ms the machine, not
 * the target, sets the pace, and neighbours come and go within seconds: many short back-to-back pairs.
 */
const GUARD_ROUNDS: Record<number, { rounds: number; ms: number }> = {
  0: { rounds: 15, ms: 1_000 },
  20: { rounds: 3, ms: 2_000 },
  200: { rounds: 3, ms: 2_000 },
};
/** rounds of everything else (the worker, wrk, the fixed-rate runs) */
const OTHER_ROUNDS = 3;
const RATE_MS = 2_000;
/** about half of what 10 connections can carry at each delay, so the fixed-rate runs are not saturated */
const RATE_FOR_DELAY: Record<number, number> = { 0: 1_000, 20: 200, 200: 25 };

interface Row extends Figures {
  delay: number;
  load: string;
  generator: string;
  server: { p50Ms: number; p95Ms: number };
  /** this process's CPU time per completed request (generators that run in it; wrk is a separate process) */
  cpuUsPerRequest: number | null;
  /** requests/s of each round, in round order */
  rounds?: number[];
  /** the 1-minute load average when the run started */
  loadAvg?: number;
}

async function startTarget(): Promise<{ child: ChildProcess; origin: string }> {
  const child = fork(new URL('./load-target.js', import.meta.url), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, origin: `http://127.0.0.1:${chunk.toString().trim()}` };
}

async function serverStats(origin: string): Promise<{ p50Ms: number; p95Ms: number }> {
  const response = await fetch(`${origin}/stats`);
  return (await response.json()) as { p50Ms: number; p95Ms: number };
}

const f = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined ? '—' : v.toFixed(digits));

/** within 2 % of the injected delay, over what the server itself held the request plus the no-delay baseline */
function accuracy(measured: number | null, server: number, baseline: number, delay: number): string {
  if (measured === null) return '—';
  const excess = measured - server - baseline;
  const ok = delay === 0 ? true : Math.abs(excess) <= 0.02 * delay;
  return `${excess >= 0 ? '+' : ''}${excess.toFixed(2)} ${ok ? '✓' : '✗'}`;
}

function table(rows: Row[], baseline: number): string {
  const acRps = new Map(rows.filter((r) => r.generator === 'autocannon').map((r) => [`${r.delay}/${r.load}`, r.rps]));
  const lines = [
    '| delay | load | generator | req/s | × autocannon | CPU µs/req | p50 ms | p95 ms | server hold p50/p95 ms | p50 − (hold + base) | p95 − (hold + base) | notes |',
    '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of rows) {
    const ac = acRps.get(`${r.delay}/${r.load}`);
    // throughput is only comparable closed-loop; at a fixed rate every generator is asked for the same rate
    const ratio = ac && r.generator !== 'autocannon' && r.load === 'closed' ? `${(r.rps / ac).toFixed(3)}` : '';
    const mine = r.generator.startsWith('radar-probe');
    lines.push(
      `| ${r.delay} ms | ${r.load} | ${r.generator} | ${r.rps.toFixed(0)} | ${ratio} | ${f(r.cpuUsPerRequest, 1)} | ${f(r.p50Ms)} | ${f(r.p95Ms)} | ${f(r.server.p50Ms)} / ${f(r.server.p95Ms)} | ` +
        `${mine ? accuracy(r.p50Ms, r.server.p50Ms, baseline, r.delay) : ''} | ${mine ? accuracy(r.p95Ms, r.server.p95Ms, baseline, r.delay) : ''} | ${r.note ?? ''} |`,
    );
  }
  return lines.join('\n');
}

/**
 * One row per generator from its rounds: the median of each figure (the rate runs' accuracy and the CPU cost are
 * medians too), the server's hold and the notes from the round with the median req/s.
 */
function summarise(runs: readonly Row[]): Row {
  const nums = (pick: (r: Row) => number | null): number | null => {
    const values = runs.map(pick).filter((v): v is number => v !== null);
    return values.length ? median(values) : null;
  };
  const rps = runs.map((r) => r.rps);
  const typical = [...runs].sort((a, b) => a.rps - b.rps)[runs.length >> 1];
  return {
    ...typical,
    rps: median(rps),
    p50Ms: nums((r) => r.p50Ms),
    p95Ms: nums((r) => r.p95Ms),
    cpuUsPerRequest: nums((r) => r.cpuUsPerRequest),
    rounds: rps,
  };
}

interface Entry {
  delay: number;
  load: string;
  generator: string;
  go: (spec: RunSpec) => Promise<Figures | null>;
  spec: RunSpec;
  /** runs in this process, so process.cpuUsage() is its cost */
  inProcess: boolean;
  rounds: number;
}

function entries(origin: string): Entry[][] {
  return [0, 20, 200].map((delay) => {
    const closed: RunSpec = { origin, path: `/delay/${delay}`, connections: CONNECTIONS, durationMs: CLOSED_MS };
    const rated: RunSpec = { ...closed, durationMs: RATE_MS, rate: RATE_FOR_DELAY[delay] };
    const rate = `rate ${rated.rate}/s`;
    const { rounds: guarded, ms } = GUARD_ROUNDS[delay];
    const pair: RunSpec = { ...closed, durationMs: ms };
    return [
      { delay, load: 'closed', generator: 'autocannon', go: rawAutocannon, spec: pair, inProcess: true, rounds: guarded },
      { delay, load: 'closed', generator: 'radar-probe', go: (s: RunSpec) => ours(s), spec: pair, inProcess: true, rounds: guarded },
      ...(delay === 0
        ? [
            {
              delay,
              load: 'closed',
              generator: 'radar-probe (worker)',
              go: (s: RunSpec) => ours(s, true),
              spec: closed,
              inProcess: true,
              rounds: OTHER_ROUNDS,
            },
          ]
        : []),
      { delay, load: 'closed', generator: 'wrk', go: wrk, spec: closed, inProcess: false, rounds: OTHER_ROUNDS },
      { delay, load: rate, generator: 'autocannon', go: rawAutocannon, spec: rated, inProcess: true, rounds: OTHER_ROUNDS },
      { delay, load: rate, generator: 'radar-probe', go: (s: RunSpec) => ours(s), spec: rated, inProcess: true, rounds: OTHER_ROUNDS },
    ];
  });
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const guarded = !argv.includes('--no-guard');
  const { child, origin } = await startTarget();
  const runs = new Map<Entry, Row[]>();
  const loadBefore = loadavg()[0];
  try {
    // warm up the target and both JS generators so the first measured run is not the JIT's
    await ours({ origin, path: '/delay/0', connections: CONNECTIONS, durationMs: 500 });
    await rawAutocannon({ origin, path: '/delay/0', connections: CONNECTIONS, durationMs: 500 });
    for (const group of entries(origin)) {
      const rounds = Math.max(...group.map((e) => e.rounds));
      for (let round = 0; round < rounds; round++) {
        // alternate the order, so neither generator always runs first (on a target just warmed by the other)
        const order = round % 2 ? [...group].reverse() : group;
        for (const entry of order) {
          if (round >= entry.rounds) continue;
          const loadAvg = loadavg()[0];
          await serverStats(origin);
          const cpuBefore = process.cpuUsage();
          const figures = await entry.go(entry.spec);
          const cpu = process.cpuUsage(cpuBefore);
          const server = await serverStats(origin);
          if (!figures) continue;
          const cpuUsPerRequest = entry.inProcess && figures.requests > 0 ? (cpu.user + cpu.system) / figures.requests : null;
          const row: Row = { ...figures, delay: entry.delay, load: entry.load, generator: entry.generator, server, cpuUsPerRequest, loadAvg };
          runs.set(entry, [...(runs.get(entry) ?? []), row]);
          process.stderr.write(
            `  round ${round + 1} ${entry.delay} ms ${entry.load} ${entry.generator}: ${figures.rps.toFixed(0)} req/s p50 ${f(figures.p50Ms)} ` +
              `p95 ${f(figures.p95Ms)} CPU ${f(cpuUsPerRequest, 1)} µs/req (load average ${loadAvg.toFixed(1)})\n`,
          );
        }
      }
    }
  } finally {
    child.kill();
  }
  const rows = [...runs.values()].map(summarise);
  // the no-delay baseline: what a request costs beyond the server's hold (client, parser, loopback), from the
  // median of the light fixed-rate run at 0 ms
  const light = rows.find((r) => r.delay === 0 && r.load.startsWith('rate') && r.generator === 'radar-probe');
  const baseline = (light?.p50Ms ?? 0) - (light?.server.p50Ms ?? 0);
  const load = `${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}`;
  process.stdout.write(
    `${table(rows, baseline)}\n\nno-delay baseline (client + loopback): ${baseline.toFixed(3)} ms; ✓ = within 2 % of the injected delay; ` +
      `medians of interleaved rounds (closed loop autocannon and radar-probe: ${Object.entries(GUARD_ROUNDS)
        .map(([delay, g]) => `${g.rounds} × ${g.ms / 1000} s at ${delay} ms`)
        .join(', ')}; the rest ${OTHER_ROUNDS} × ${CLOSED_MS / 1000} s); ${CONNECTIONS} connections; ` +
      `node ${process.version}; ${cpus().length} CPUs, 1-minute load average ${load}${rows.some((r) => r.generator === 'wrk') ? '' : '; wrk is not installed'}\n`,
  );
  const list = verdicts(rows);
  process.stdout.write(`\n${verdictLines(list).join('\n')}\n`);
  if (list.some((v) => !v.ok)) {
    if (guarded) {
      process.stderr.write(
        `load bench guard failed: radar-probe below ${MIN_RATIO} × autocannon's req/s, or over its CPU per request at 0 ms ` +
          '(--no-guard reports without failing, for a noisy machine)\n',
      );
      process.exitCode = 1;
    } else process.stdout.write('guard not enforced (--no-guard)\n');
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  });
}
