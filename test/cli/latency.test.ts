/** Scenario 3 and the CI gate through the real binary, against servers with known delays. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunReport } from '../../src/model/types.js';
import { runCli } from '../helpers/cli.js';
import { httpServer, type Running } from '../helpers/servers.js';

let slow: Running;
let failing: Running;
let served = 0;
/** how long the 200 ms server really held each request: on a busy machine its own timers fire late, which is not the probe's error */
let holds: number[] = [];
before(async () => {
  slow = await httpServer((_req, res) => {
    const started = performance.now();
    setTimeout(() => res.end('{"items":[]}', () => holds.push(performance.now() - started)), 200);
  });
  failing = await httpServer((_req, res) => {
    served++;
    res.statusCode = served % 10 === 0 ? 200 : 500;
    res.end('{}');
  });
});
after(() => Promise.all([slow.close(), failing.close()]));

async function latency(target: string, extra: string[]): Promise<{ code: number | null; report: RunReport; stderr: string }> {
  const run = await runCli(['--scenario', 'latency', '--target', target, '--json', ...extra]);
  try {
    return { code: run.code, report: JSON.parse(run.stdout) as RunReport, stderr: run.stderr };
  } catch {
    return assert.fail(`exit ${run.code}, stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

const within = (actual: number | null, expected: number, pct: number): boolean =>
  actual !== null && Math.abs(actual - expected) <= (expected * pct) / 100;

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** p50 and p95 within 5 % of 200 ms, measured against what the server actually held (200 ms plus its own lateness). */
function assertNear200(l: RunReport['latency']): void {
  assert.ok(l, 'latency block');
  const tolerance = 200 * 0.05;
  const heldP50 = quantile(holds, 0.5);
  const heldP95 = quantile(holds, 0.95);
  assert.ok(heldP50 >= 199, `server held ${heldP50} ms`);
  assert.ok(Math.abs(l.p50Ms! - heldP50) <= tolerance, `p50 ${l.p50Ms} vs held ${heldP50.toFixed(3)}`);
  assert.ok(Math.abs(l.p95Ms! - heldP95) <= tolerance, `p95 ${l.p95Ms} vs held ${heldP95.toFixed(3)}`);
  assert.ok(within(l.p50Ms, 200, 10) && within(l.p95Ms, 200, 10), JSON.stringify(l));
}

describe('probe --scenario latency', { concurrency: false }, () => {
  test('a 200 ms server: p50 and p95 within 5 % of 200 ms, with sub-millisecond precision', async () => {
    holds = [];
    const { report } = await latency(slow.url, ['--amount', '40', '--connections', '10']);
    const l = report.latency;
    assertNear200(l);
    assert.ok(
      [l!.p50Ms, l!.p95Ms, l!.maxMs].some((v) => v !== null && !Number.isInteger(v)),
      'sub-millisecond values',
    );
  });

  test('the same with a fixed arrival rate (--rate 20)', async () => {
    holds = [];
    const { report } = await latency(slow.url, ['--rate', '20', '--duration', '2s']);
    const l = report.latency;
    assert.ok(l && l.requests >= 30, JSON.stringify(l));
    assertNear200(l);
  });

  test('--threshold p(95)<100 fails the gate, p(95)<1000 passes it', async () => {
    const tight = await latency(slow.url, ['--amount', '20', '--threshold', 'p(95)<100']);
    assert.equal(tight.code, 1);
    assert.equal(tight.report.thresholds[0]?.ok, false);
    const loose = await latency(slow.url, ['--amount', '20', '--threshold', 'p(95)<1000']);
    assert.equal(loose.code, 0, JSON.stringify(loose.report.thresholds));
    assert.equal(loose.report.thresholds[0]?.ok, true);
  });

  test('a malformed threshold is a usage error', async () => {
    const run = await runCli(['--scenario', 'latency', '--target', slow.url, '--threshold', 'p95 fast']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /threshold "p95 fast"/);
  });

  test('--connections 1000000 exits 2 naming the cap', async () => {
    const run = await runCli(['--scenario', 'latency', '--target', slow.url, '--connections', '1000000']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--connections 1000000 exceeds the cap of \d+ \(load\.caps\.connections\)/);
  });

  test('a server failing 90 % of requests: --amount 5000 stops well short and says it aborted', async () => {
    const { code, report } = await latency(failing.url, ['--amount', '5000']);
    assert.equal(code, 1);
    const load = report.probes.find((p) => p.kind === 'load');
    assert.equal(load?.error?.code, 'RP_ERR_LOAD_ABORTED', JSON.stringify(load?.error));
    assert.match(load.error.message, /abort/);
    assert.ok(report.latency && report.latency.requests < 1_000, `${report.latency?.requests} requests`);
  });
});

describe('CI outputs', () => {
  test('--baseline fails on a 10× p95 regression; --junit and --summary are written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rp-ci-'));
    const fast: RunReport = {
      scenario: 'latency',
      target: slow.url,
      startedAt: new Date().toISOString(),
      durationMs: 1,
      passed: true,
      severity: null,
      probes: [],
      findings: [],
      thresholds: [],
      latency: { requests: 100, errors: 0, timeouts: 0, errorRate: 0, rps: 100, p50Ms: 15, p90Ms: 18, p95Ms: 20, p99Ms: 25, maxMs: 30 },
    };
    writeFileSync(join(dir, 'baseline.json'), JSON.stringify(fast));
    const junit = join(dir, 'junit.xml');
    const summary = join(dir, 'summary.md');
    const { code, report } = await latency(slow.url, [
      '--amount',
      '20',
      '--baseline',
      join(dir, 'baseline.json'),
      '--junit',
      junit,
      '--summary',
      summary,
    ]);
    assert.equal(code, 1);
    assert.ok(
      report.thresholds.some((t) => !t.ok && /baseline|regress/i.test(`${t.expr} ${t.reason ?? ''}`)),
      JSON.stringify(report.thresholds),
    );
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>/);
    assert.match(xml, /<testsuite [^>]*tests="\d+"[^>]*failures="[1-9]\d*"/);
    assert.match(xml, /<testcase [^>]*name="load \(load\)"/);
    assert.match(readFileSync(summary, 'utf8'), /\|.*p95.*\|/i);
  });
});
