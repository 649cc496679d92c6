/** The three generators the load bench puts side by side, each reduced to requests/s and latency percentiles. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { runLoadEngine } from '../probes/load/engine.js';
import { runLoadOffThread } from '../probes/load/offthread.js';
import { resolvePlan } from '../probes/load/params.js';

export interface RunSpec {
  origin: string;
  path: string;
  connections: number;
  durationMs: number;
  rate?: number;
}

export interface Figures {
  rps: number;
  p50Ms: number | null;
  p95Ms: number | null;
  requests: number;
  errors: number;
  note?: string;
}

export async function rawAutocannon(spec: RunSpec): Promise<Figures> {
  const result = await autocannon({
    url: spec.origin + spec.path,
    connections: spec.connections,
    duration: spec.durationMs / 1000,
    ...(spec.rate ? { overallRate: spec.rate } : {}),
  });
  return {
    rps: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    // autocannon's histogram has no p95: its nearest is p97.5
    p95Ms: null,
    requests: result.requests.total,
    errors: result.errors + result.non2xx,
    note: `own histogram: whole ms, p97.5 ${result.latency.p97_5} ms${spec.rate ? ', with its coordinated-omission correction' : ''}`,
  };
}

export async function ours(spec: RunSpec, offThread = false): Promise<Figures> {
  const plan = resolvePlan({
    target: spec.origin,
    requests: [{ path: spec.path }],
    connections: spec.connections,
    durationMs: spec.durationMs,
    ...(spec.rate ? { rate: spec.rate } : {}),
    timeoutMs: 10_000,
    abortOnErrorRate: 1,
    abortMinSamples: 1,
  });
  const hooks = { signal: new AbortController().signal };
  const { latency: l, failure } = offThread ? await runLoadOffThread(plan, hooks) : await runLoadEngine(plan, hooks);
  if (failure) throw new Error(failure);
  const dropped = typeof l.droppedSends === 'number' && l.droppedSends > 0 ? `, ${l.droppedSends} dropped sends` : '';
  // the generator's own worst timer lag: when it is large the process itself was starved of CPU
  const lag = typeof l.maxSendLagMs === 'number' ? `, max send lag ${l.maxSendLagMs.toFixed(1)} ms` : '';
  return { rps: l.rps, p50Ms: l.p50Ms, p95Ms: l.p95Ms, requests: l.requests, errors: l.errors, note: `${String(l.generator)}${dropped}${lag}` };
}

/** wrk from PATH (Debian package `wrk`), or null */
function findWrk(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'wrk');
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

const WRK_REPORT = `done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"durationUs":%d,"p50Us":%d,"p95Us":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.status + e.timeout))
end
`;

/** wrk (one thread: the target needs the other core); null when it is not installed. */
export async function wrk(spec: RunSpec): Promise<Figures | null> {
  const binary = findWrk();
  if (!binary || spec.rate) return null;
  const script = join(mkdtempSync(join(tmpdir(), 'rp-wrk-')), 'report.lua');
  writeFileSync(script, WRK_REPORT);
  const seconds = Math.max(1, Math.round(spec.durationMs / 1000));
  const { stdout } = await promisify(execFile)(binary, ['-t1', `-c${spec.connections}`, `-d${seconds}s`, '-s', script, spec.origin + spec.path]);
  const line = stdout.split('\n').find((l) => l.startsWith('{"requests"'));
  if (!line) throw new Error(`wrk printed no report:\n${stdout}`);
  const r = JSON.parse(line) as { requests: number; durationUs: number; p50Us: number; p95Us: number; errors: number };
  return { rps: r.requests / (r.durationUs / 1e6), p50Ms: r.p50Us / 1000, p95Ms: r.p95Us / 1000, requests: r.requests, errors: r.errors };
}
