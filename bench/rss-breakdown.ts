/**
 * Where the daemon's resident memory goes at the default config (issue 17 goal 3: ≤ 50 MB).
 * 1. `bare`: an empty Node.js process, then one bare process per module that importing it alone costs (anonymous
 *    vs file-backed pages, V8 heap), each with the NODE_OPTIONS the image ships.
 * 2. `daemon`: the shipped config.yaml against the simulated API (as `bench/daemon.ts --mode rss`), after
 *    `--cycles N` evaluation cycles of 15 s: /proc/PID/smaps by mapping, process.memoryUsage(), V8 heap spaces,
 *    loaded modules by package, and (with `--snapshot`) the live heap by constructor and code by package.
 * Run: `npm run bench:rss [-- --cycles 2 --snapshot --only daemon]`. DAEMON_NODE_OPTIONS replaces the shipped flags.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSimulatedApi } from '../src/demo/api.js';
import { benchCli, shippedRuntimeEnv } from './shipped-runtime.js';
import { binaryPages } from './binary-pages.js';
import { readSmaps, type Smaps } from './smaps.js';
import { heapByConstructor, heapByPackage, largestStrings, type HeapSnapshot } from './heap-snapshot.js';

const CLI = benchCli();
const PRELOAD = fileURLToPath(new URL('./rss-preload.js', import.meta.url));
const SHIPPED_CONFIG = fileURLToPath(new URL('../../config.yaml', import.meta.url));
const SRC = new URL('../src/', import.meta.url).href;

const { values: flags } = parseArgs({
  options: {
    cycles: { type: 'string', default: '2' },
    only: { type: 'string', default: 'all' },
    snapshot: { type: 'boolean', default: false },
    /** keep the measured daemon running this many seconds after the report, to look at it with other tools */
    hold: { type: 'string', default: '0' },
    /** options on the daemon's command line, for V8 flags NODE_OPTIONS refuses (`--single-threaded`, `--max-lazy`) */
    'node-args': { type: 'string', default: '' },
  },
});
const runtimeEnv = shippedRuntimeEnv();
const nodeOptions = runtimeEnv['NODE_OPTIONS'] ?? '';
const runtimeLabel = Object.entries(runtimeEnv)
  .map(([key, value]) => `${key}=${value}`)
  .join(' ');
const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);

/** The modules whose import cost is worth knowing alone (the daemon's own entry last: all of them together). */
const BARE_STEPS: readonly string[] = [
  'node:sqlite',
  'node:zlib',
  'node:crypto',
  'node:http',
  'undici',
  'prom-client',
  'pino',
  'zod',
  'yaml',
  'hdr-histogram-js',
  'node-cron',
  '@kubernetes/client-node',
  `${SRC}config/load.js`,
  `${SRC}metrics/daemon-metrics.js`,
  `${SRC}server/server.js`,
  `${SRC}daemon/daemon.js`,
  `${SRC}cli/daemon.js`,
  // not an import alone: the daemon's unavoidable parts at work together, settled (bench/rss-floor.ts)
  new URL('./rss-floor.js', import.meta.url).href,
];

const NODE_BINARY = realpathSync(process.execPath);
const binaryLine = (pages: Map<string, number>, vs?: Map<string, number>): string =>
  [...pages]
    .map(([group, bytes]): [string, number] => [group, bytes - (vs?.get(group) ?? 0)])
    .filter(([, bytes]) => bytes >= 262144)
    .map(([group, bytes]) => `${group} ${vs ? '+' : ''}${mb(bytes)}`)
    .join(', ');

interface BareRow {
  step: string;
  smaps: Smaps;
  /** the `node` binary's resident pages by component */
  binary: Map<string, number>;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

/** One fresh process that imports `spec` (or nothing), settles, reports its V8 heap and waits to be measured. */
async function bareProcess(spec: string | undefined): Promise<BareRow> {
  const load = spec ? `await import(${JSON.stringify(spec)});` : '';
  const script = `${load} await new Promise((r) => setTimeout(r, 500)); const m = process.memoryUsage(); console.log(JSON.stringify({ heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external })); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env['PATH'] ?? '', ...runtimeEnv },
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  const stats = JSON.parse(chunk.toString()) as Omit<BareRow, 'step' | 'smaps' | 'binary'>;
  const smaps = readSmaps(child.pid!);
  const binary = binaryPages(child.pid!, NODE_BINARY);
  child.kill();
  await once(child, 'exit');
  const step = spec
    ?.replace(SRC, 'src/')
    .replace(/^.*\/bench\/rss-floor\.js$/, 'floor: server, undici, prom-client, pino, sqlite (bench/rss-floor.ts)');
  return { step: step ?? '(empty node)', smaps, binary, ...stats };
}

async function bareRuns(): Promise<void> {
  console.log(`\n## Bare processes (${runtimeLabel}): what importing one module alone adds to an empty Node.js`);
  const base = await bareProcess(undefined);
  console.log(`Empty node: its binary's resident pages (MB): ${binaryLine(base.binary)}\n`);
  console.log('| import | RSS MB | +anon MB | +file MB | +node binary MB | heap used MB | external MB | binary pages it adds (MB) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  const binary = (s: Smaps): number => s.byMapping.get('node')?.rss ?? 0;
  const row = (r: BareRow, vs: BareRow | undefined): string => {
    const d = (a: number, b: number | undefined): string => (b === undefined ? mb(a) : `${a >= b ? '+' : ''}${mb(a - b)}`);
    return `| ${r.step} | ${mb(r.smaps.rss)} | ${d(r.smaps.anon, vs?.smaps.anon)} | ${d(r.smaps.file, vs?.smaps.file)} | ${d(binary(r.smaps), vs ? binary(vs.smaps) : undefined)} | ${mb(r.heapUsed)} | ${mb(r.external)} | ${vs ? binaryLine(r.binary, vs.binary) : ''} |`;
  };
  console.log(row(base, undefined));
  for (const step of BARE_STEPS) console.log(row(await bareProcess(step), base));
}

async function waitForFile(file: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > until) throw new Error(`no ${file} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

interface SelfReport {
  memoryUsage: NodeJS.MemoryUsage;
  heap: { malloced_memory: number; peak_malloced_memory: number; external_memory: number };
  spaces: { name: string; size: number; used: number; physical: number }[];
  modules: string[];
  internals: string[];
}

function packageOf(url: string): string {
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1];
  if (url.startsWith('node:')) return 'node: builtins';
  const inDist = /\/dist\/(src|probes)\/([^/]+)/.exec(url);
  return inDist ? `${inDist[1]}/${inDist[2]}` : url;
}

async function daemonRun(cycles: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rp-bench-rss-'));
  const api = await startSimulatedApi({ port: 0 });
  try {
    copyFileSync(SHIPPED_CONFIG, join(dir, 'config.yaml'));
    const report = join(dir, 'report.json');
    const snapshot = flags.snapshot ? join(dir, 'heap.heapsnapshot') : '';
    const env = {
      PATH: process.env['PATH'] ?? '',
      HOME: dir,
      ...runtimeEnv,
      NODE_OPTIONS: `${nodeOptions} --import ${PRELOAD}`,
      API_URL: api.url,
      OPENAI_BASE_URL: `${api.url}/openai`,
      GITHUB_API_URL: `${api.url}/github`,
      RSS_REPORT_FILE: report,
      RSS_HEAP_SNAPSHOT: snapshot,
    };
    const nodeArgs = flags['node-args'].split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, CLI, 'daemon', '--config', join(dir, 'config.yaml'), '--port', '0'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
    while (!out.includes('first evaluation done: ready')) {
      if (child.exitCode !== null) throw new Error(`daemon exited ${child.exitCode}`);
      await sleep(100);
    }
    const perCycle: string[] = [];
    for (let i = 0; i < cycles; i++) {
      await sleep(15_000);
      perCycle.push(mb(readSmaps(child.pid!).rss));
    }
    const smaps = readSmaps(child.pid!);
    const binary = binaryLine(binaryPages(child.pid!, NODE_BINARY));
    const threads = Number(/Threads:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]);
    child.kill('SIGUSR2');
    await waitForFile(report, 120_000);
    const self = JSON.parse(readFileSync(report, 'utf8')) as SelfReport;
    if (Number(flags.hold) > 0) {
      console.log(`holding the daemon (pid ${child.pid}) for ${flags.hold} s`);
      await sleep(Number(flags.hold) * 1000);
    }
    child.kill('SIGTERM');
    await once(child, 'exit');

    console.log(
      `\n## Daemon, shipped config.yaml, ${runtimeLabel}${nodeArgs.length ? ` and ${nodeArgs.join(' ')}` : ''}, after ${cycles} cycles of 15 s`,
    );
    console.log(
      `RSS per cycle ${perCycle.join(', ')} MB; RSS ${mb(smaps.rss)} MB = anonymous ${mb(smaps.anon)} + file-backed ${mb(smaps.file)}; ${threads} threads`,
    );
    const mappings = [...smaps.byMapping].sort((a, b) => b[1].rss - a[1].rss).slice(0, 12);
    console.log(`Mappings: ${mappings.map(([name, m]) => `${name} ${mb(m.rss)} (anon ${mb(m.anon)})`).join('; ')}`);
    console.log(`The node binary's resident pages (MB): ${binary}`);
    const anonList = [...smaps.anonBySize].sort((a, b) => b[1].rss - a[1].rss).slice(0, 10);
    console.log(
      `Anonymous memory by mapping size (count × size: resident MB): ${anonList.map(([size, a]) => `${a.count} × ${(size / 1024).toFixed(0)} kB: ${mb(a.rss)}`).join(', ')}`,
    );
    const m = self.memoryUsage;
    console.log(
      `memoryUsage: rss ${mb(m.rss)}, heapTotal ${mb(m.heapTotal)}, heapUsed ${mb(m.heapUsed)}, external ${mb(m.external)}, arrayBuffers ${mb(m.arrayBuffers)}`,
    );
    console.log(`V8 malloced (zones, compilers) ${mb(self.heap.malloced_memory)} MB, peak ${mb(self.heap.peak_malloced_memory)} MB`);
    console.log(`V8 spaces (physical/used MB): ${self.spaces.map((s) => `${s.name} ${mb(s.physical)}/${mb(s.used)}`).join(', ')}`);
    const packages = new Map<string, number>();
    for (const url of self.modules) packages.set(packageOf(url), (packages.get(packageOf(url)) ?? 0) + 1);
    const listed = [...packages].sort((a, b) => b[1] - a[1]);
    console.log(`Node.js internals of note: ${self.internals.join(', ') || 'none'}`);
    console.log(`CommonJS modules loaded: ${self.modules.length}: ${listed.map(([p, n]) => `${p} ${n}`).join(', ')}`);
    if (snapshot) {
      await waitForFile(snapshot, 10_000);
      const heap = JSON.parse(readFileSync(snapshot, 'utf8')) as HeapSnapshot;
      console.log(
        `Live heap by constructor (self size MB, top 25): ${heapByConstructor(heap, 25)
          .map(([k, v]) => `${k} ${mb(v)}`)
          .join(', ')}`,
      );
      console.log(
        `Functions and their code by package (MB): ${heapByPackage(heap, packageOf)
          .map(([k, v]) => `${k} ${mb(v)}`)
          .join(', ')}`,
      );
      const strings = largestStrings(heap, 15);
      console.log(`Largest strings: ${strings.map((s) => `${(s.size / 1024).toFixed(0)} kB "${s.text}" (${s.heldBy})`).join('; ')}`);
    }
  } finally {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (flags.only === 'all' || flags.only === 'bare') await bareRuns();
if (flags.only === 'all' || flags.only === 'daemon') await daemonRun(Number(flags.cycles));
