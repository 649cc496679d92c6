/**
 * Daemon bench: footprint (RSS, CPU per endpoint probe) and scale (1,000 endpoint probes per 10 s cycle: schedule
 * lag p50/p99, /metrics scrape time), with prometheus-blackbox-exporter probing the same target side by side when
 * installed. Every process is a real child (the CLI, the simulated API, blackbox_exporter); CPU and RSS come from
 * /proc. Loopback only; about 90 s. Run: `node dist/bench/daemon.js`.
 * `--probe-only [--runs N]` runs only the /probe side by side, N times, and prints the medians; BENCH_CPU_PROF=DIR
 * starts the daemon with `--cpu-prof` writing its profile into DIR (on a clean stop).
 * Targets: ≤ 0.5 ms CPU per probe, ≤ 80 MB RSS at the default config, lag p99 < 100 ms, /metrics < 50 ms at 1,000.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const API = new URL('../src/demo/api.js', import.meta.url).href;
const TICK_MS = 1000 / 100; // CLK_TCK is 100 on Linux
const BLACKBOX = 'prometheus-blackbox-exporter';

interface Proc {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** user + system CPU of a process so far, in ms (10 ms resolution) */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

function rssMb(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
}

async function startTarget(): Promise<Proc> {
  const script = `import { startSimulatedApi } from ${JSON.stringify(API)}; const api = await startSimulatedApi({ port: 0 }); console.log(api.url);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return { child, url: chunk.toString().trim(), stop: stopper(child) };
}

function endpointsYaml(count: number): string {
  if (count === 3) return '';
  const list = Array.from({ length: count }, (_, i) => `  - { name: ep-${String(i).padStart(4, '0')}, path: "/health?i=${i}" }`);
  return `endpoints:\n${list.join('\n')}\n`;
}

async function startDaemon(target: string, options: { endpoints: number; interval?: string }): Promise<Proc> {
  const dir = mkdtempSync(join(tmpdir(), 'rp-bench-daemon-'));
  const daemon = options.interval ? `daemon: { host: 127.0.0.1, port: 0, interval: ${options.interval} }` : 'daemon: { host: 127.0.0.1, port: 0 }';
  // the default config, except that nothing may leave this machine: no cluster, no third-party APIs
  writeFileSync(
    join(dir, 'config.yaml'),
    `target: ${target}\n${endpointsYaml(options.endpoints)}kubernetes: { enabled: false }\nexternal: { openai: { enabled: false }, github: { enabled: false } }\nincidents: { stateDir: ./data }\n${daemon}\n`,
  );
  const profile = process.env['BENCH_CPU_PROF'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_CPU_PROF']}`] : [];
  const child = spawn(process.execPath, [...profile, CLI, 'daemon', '--config', join(dir, 'config.yaml')], {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let url = '';
  let buffered = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      url ||= /"url":"(http:[^"]+)"/.exec(buffered)?.[1] ?? '';
      if (buffered.includes('first evaluation done: ready')) resolve();
      if (buffered.length > 1_000_000) buffered = buffered.slice(-10_000);
    });
    child.once('exit', (code) => reject(new Error(`daemon exited ${code}`)));
  });
  child.stdout.resume();
  return { child, url, stop: stopper(child) };
}

async function scrape(url: string): Promise<{ ms: number; text: string }> {
  const started = performance.now();
  const text = await (await fetch(`${url}/metrics`)).text();
  return { ms: performance.now() - started, text };
}

function sumOf(text: string, name: string, filter: RegExp = /.*/): number {
  let total = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`) && filter.test(line)) total += Number(line.split(' ').at(-1));
  return total;
}

function buckets(text: string, name: string): { le: number; count: number }[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}_bucket{`))
    .map((l) => ({ le: Number(/le="([^"]+)"/.exec(l)![1].replace('+Inf', 'Infinity')), count: Number(l.split(' ').at(-1)) }));
}

/** histogram_quantile over the increase of cumulative buckets between two scrapes, as Prometheus computes it */
function histogramQuantile(before: string, after: string, name: string, q: number): number {
  const start = buckets(before, name);
  const end = buckets(after, name).map((b, i) => ({ le: b.le, count: b.count - (start[i]?.count ?? 0) }));
  const rank = q * (end.at(-1)?.count ?? 0);
  let lower = 0;
  let below = 0;
  for (const b of end) {
    if (b.count >= rank) return b.le === Infinity ? lower : lower + ((b.le - lower) * (rank - below)) / Math.max(1, b.count - below);
    lower = b.le;
    below = b.count;
  }
  return lower;
}

const phaseStart = performance.now();
const note = (what: string): void => void process.stderr.write(`[${((performance.now() - phaseStart) / 1000).toFixed(1)} s] ${what}\n`);

/** Fires `total` /probe requests evenly over `ms`, like a Prometheus scraping many blackbox targets. */
async function driveProbes(base: string, target: string, total: number, ms: number): Promise<{ ok: number; failed: number }> {
  let ok = 0;
  let failed = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * ms) / total;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const url = `${base}/probe?module=http_2xx&target=${encodeURIComponent(`${target}/health?i=${i % 50}`)}`;
    pending.push(
      fetch(url)
        .then((r) => r.text())
        .then((t) => void (/^probe_success 1$/m.test(t) ? ok++ : failed++))
        .catch(() => void failed++),
    );
  }
  await Promise.all(pending);
  return { ok, failed };
}

async function startBlackbox(): Promise<Proc | null> {
  if (spawnSync(BLACKBOX, ['--version'], { stdio: 'ignore' }).error) return null;
  const dir = mkdtempSync(join(tmpdir(), 'rp-bench-blackbox-'));
  writeFileSync(join(dir, 'blackbox.yml'), 'modules:\n  http_2xx:\n    prober: http\n    http:\n      preferred_ip_protocol: ip4\n');
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(BLACKBOX, [`--config.file=${join(dir, 'blackbox.yml')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if ((await fetch(`${url}/metrics`).catch(() => null))?.ok) return { child, url, stop: stopper(child) };
    await sleep(100);
  }
  child.kill('SIGKILL');
  return null;
}

const f = (v: number, digits = 2): string => v.toFixed(digits);

function table(rows: readonly Row[]): string[] {
  return [
    '| run | process | probes | CPU ms / probe | RSS MB (now / peak) | notes |',
    '| --- | --- | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.what} | ${r.process} | ${r.probes} | ${Number.isNaN(r.cpuPerProbe) ? '—' : f(r.cpuPerProbe, 3)} | ${f(r.rss.now, 1)} / ${f(r.rss.peak, 1)} | ${r.extra} |`,
    ),
  ];
}

interface Row {
  what: string;
  process: string;
  probes: number;
  cpuPerProbe: number;
  rss: { now: number; peak: number };
  extra: string;
}

async function measure(proc: Proc, ms: number, probesSoFar: () => Promise<number>): Promise<{ cpu: number; probes: number }> {
  const cpu0 = cpuMs(proc.child.pid!);
  const probes0 = await probesSoFar();
  await sleep(ms);
  const cpu = cpuMs(proc.child.pid!) - cpu0;
  return { cpu, probes: (await probesSoFar()) - probes0 };
}

/** /probe driven from outside at 50/s for 15 s: ours and blackbox_exporter, same target, at the same time. */
async function probeSideBySide(target: Proc): Promise<Row[]> {
  note('/probe: radar-probe and blackbox_exporter');
  const rows: Row[] = [];
  const blackbox = await startBlackbox();
  const proxy = await startDaemon(target.url, { endpoints: 1, interval: '1h' });
  const drive = async (proc: Proc, label: string): Promise<void> => {
    const cpu0 = cpuMs(proc.child.pid!);
    const { ok, failed } = await driveProbes(proc.url, target.url, 750, 15_000);
    rows.push({
      what: '/probe?module=http_2xx at 50/s, 15 s',
      process: label,
      probes: ok + failed,
      cpuPerProbe: (cpuMs(proc.child.pid!) - cpu0) / (ok + failed),
      rss: rssMb(proc.child.pid!),
      extra: `${failed} failed`,
    });
  };
  await Promise.all([drive(proxy, 'radar-probe daemon'), blackbox ? drive(blackbox, 'blackbox_exporter 0.23') : Promise.resolve()]);
  if (!blackbox)
    rows.push({ what: '/probe (blackbox_exporter not installed)', process: '—', probes: 0, cpuPerProbe: NaN, rss: { now: 0, peak: 0 }, extra: '' });
  await Promise.all([proxy.stop(), blackbox?.stop()]);
  return rows;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const target = await startTarget();
  const httpRuns = async (url: string): Promise<number> => sumOf((await scrape(url)).text, 'probe_runs_total', /kind="http"/);
  try {
    // Footprint at the default config (3 endpoints, 15 s), measured over 45 s after the first cycle, alongside the rest.
    note('footprint: default config');
    const idle = await startDaemon(target.url, { endpoints: 3 });
    const footprint = measure(idle, 45_000, () => httpRuns(idle.url));
    // Steady-state cost per probe: 50 endpoints every second for 15 s.
    note('steady state: 50 endpoints every second');
    const busy = await startDaemon(target.url, { endpoints: 50, interval: '1s' });
    const steady = await measure(busy, 15_000, () => httpRuns(busy.url));
    rows.push({
      what: '50 endpoints every 1 s, 15 s',
      process: 'radar-probe daemon',
      probes: steady.probes,
      cpuPerProbe: steady.cpu / steady.probes,
      rss: rssMb(busy.child.pid!),
      extra: '',
    });
    await busy.stop();
    rows.push(...(await probeSideBySide(target)));
    note('waiting for the default-config window to end');
    const fp = await footprint;
    rows.unshift({
      what: 'default config (3 endpoints / 15 s), 45 s',
      process: 'radar-probe daemon',
      probes: fp.probes,
      cpuPerProbe: fp.cpu / fp.probes,
      rss: rssMb(idle.child.pid!),
      extra: `${f(fp.cpu / 45, 2)} ms CPU per second in all`,
    });
    await idle.stop();

    // Scale: 1,000 endpoints every 10 s, nothing else running; measured after one warm-up cycle (start burst, JIT).
    note('scale: starting 1,000 endpoints');
    const scale = await startDaemon(target.url, { endpoints: 1000, interval: '10s' });
    await sleep(10_000);
    // CPU over 20 s with no scrapes in between (a scrape is ~1.6 MB of text); scrape timing is measured afterwards
    const first = await scrape(scale.url);
    const cpu0 = cpuMs(scale.child.pid!);
    await sleep(20_000);
    const cpu = cpuMs(scale.child.pid!) - cpu0;
    const last = await scrape(scale.url);
    const scrapes: number[] = [];
    for (let i = 0; i < 9; i++) {
      await sleep(500);
      scrapes.push((await scrape(scale.url)).ms);
    }
    const probes = sumOf(last.text, 'probe_runs_total', /kind="http"/) - sumOf(first.text, 'probe_runs_total', /kind="http"/);
    scrapes.sort((a, b) => a - b);
    const lag50 = histogramQuantile(first.text, last.text, 'probe_scheduler_lag_seconds', 0.5) * 1000;
    const lag99 = histogramQuantile(first.text, last.text, 'probe_scheduler_lag_seconds', 0.99) * 1000;
    const overlaps = sumOf(last.text, 'probe_schedule_overlaps_total') - sumOf(first.text, 'probe_schedule_overlaps_total');
    rows.push({
      what: '1,000 endpoints every 10 s, 20 s after a warm-up cycle',
      process: 'radar-probe daemon',
      probes,
      cpuPerProbe: cpu / probes,
      rss: rssMb(scale.child.pid!),
      extra: `lag p50 ${f(lag50)} ms, p99 ${f(lag99)} ms (target < 100); /metrics ${(last.text.length / 1e6).toFixed(1)} MB in p50 ${f(scrapes[4], 1)} ms, max ${f(scrapes.at(-1)!, 1)} ms (target < 50); ${overlaps} overlaps`,
    });
    await scale.stop();
  } finally {
    await target.stop();
  }
  const lines = [
    ...table(rows),
    '',
    `CPU from /proc (10 ms ticks), user + system, all threads of the measured process only (${process.platform}, node ${process.version}).`,
    'At the default config the process is idle most of the time, so its CPU per probe is mostly idle cost (process metrics) spread over few probes.',
    'Targets: ≤ 0.5 ms CPU per probe, ≤ 80 MB RSS at the default config, lag p99 < 100 ms, /metrics < 50 ms at 1,000 probes.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * `--probe-only [--runs N]`: only the /probe side by side, N times (default 3), with the median of each process and
 * the ratio of the medians: the machine is shared, so one run proves little.
 */
async function probeOnly(runs: number): Promise<void> {
  const target = await startTarget();
  const all: Row[] = [];
  try {
    for (let run = 1; run <= runs; run++) all.push(...(await probeSideBySide(target)).map((r) => ({ ...r, what: `${r.what}, run ${run}` })));
  } finally {
    await target.stop();
  }
  const median = (name: string): number => {
    const values = all.filter((r) => r.process === name).map((r) => r.cpuPerProbe);
    return values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  };
  const ours = median('radar-probe daemon');
  const theirs = median('blackbox_exporter 0.23');
  const lines = [
    ...table(all),
    '',
    `median CPU ms / probe: radar-probe ${f(ours, 3)}, blackbox_exporter ${f(theirs, 3)}, ratio ${f(ours / theirs, 2)} (target ≤ 0.8)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

const runsAt = process.argv.indexOf('--runs');
const run = process.argv.includes('--probe-only') ? probeOnly(runsAt > 0 ? Number(process.argv[runsAt + 1]) : 3) : main();
run.catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
