import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';
import { parseFault } from '../../src/demo/faults.js';
import type { RunReport } from '../../src/model/types.js';
import { runCli } from '../helpers/cli.js';
import { closedPort, silentServer } from '../helpers/servers.js';

let api: SimulatedApi;
before(async () => {
  api = await startSimulatedApi({ port: 0 });
});
after(() => api.close());

async function smoke(extra: string[] = [], target = api.url): Promise<{ code: number | null; report: RunReport; stderr: string; ms: number }> {
  const run = await runCli(['--scenario', 'smoke', '--target', target, '--json', ...extra]);
  let report: RunReport;
  try {
    report = JSON.parse(run.stdout) as RunReport;
  } catch {
    assert.fail(`stdout is not one JSON document:\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
  return { code: run.code, report, stderr: run.stderr, ms: run.ms };
}

describe('probe --scenario smoke --json', { concurrency: false }, () => {
  test('a healthy API passes: exit 0, every probe pass with durations and phase timings', async () => {
    api.setFault(parseFault('none'));
    const { code, report } = await smoke();
    assert.equal(code, 0, JSON.stringify(report.findings));
    assert.equal(report.passed, true);
    assert.equal(report.severity, null);
    assert.equal(report.scenario, 'smoke');
    assert.ok(report.probes.length >= 3);
    for (const probe of report.probes) {
      assert.equal(probe.status, 'pass', `${probe.name}: ${JSON.stringify(probe.error ?? probe.reason)}`);
      assert.equal(typeof probe.durationMs, 'number');
      if (probe.kind === 'http') assert.equal(typeof (probe.metrics['phases'] as Record<string, number>)['processing'], 'number');
    }
  });

  test('every response 503 → exit 1, P0', async () => {
    api.setFault(parseFault('outage'));
    const { code, report } = await smoke();
    assert.equal(code, 1);
    assert.equal(report.severity, 'P0');
    assert.ok(report.findings.some((f) => f.cause === 'api_outage' && f.severity === 'P0'));
  });

  test('only /v1/papers/near failing → exit 1, P3 endpoint_failure naming the path', async () => {
    api.setFault(parseFault('near-fail'));
    const { code, report } = await smoke();
    assert.equal(code, 1);
    assert.equal(report.severity, 'P3');
    const finding = report.findings.find((f) => f.cause === 'endpoint_failure');
    assert.ok(finding, JSON.stringify(report.findings));
    assert.match(finding.summary, /\/v1\/papers\/near/);
    assert.ok(finding.actions.some((a) => a.includes('/v1/papers/near')));
  });

  test('target port closed → exit 1, P0, probes carry error codes', async () => {
    const { code, report } = await smoke([], `http://127.0.0.1:${await closedPort()}`);
    assert.equal(code, 1);
    assert.equal(report.severity, 'P0');
    for (const probe of report.probes.filter((p) => p.kind === 'http')) assert.equal(probe.error?.code, 'RP_ERR_CONN_REFUSED');
  });

  test('a target that never answers: --timeout 2s ends the run in about 2 s with a timeout code', async () => {
    const silent = await silentServer();
    try {
      const { code, report, ms } = await smoke(['--timeout', '2s'], silent.url);
      assert.equal(code, 1);
      assert.ok(ms < 4_500, `took ${ms} ms`);
      assert.ok(report.durationMs < 3_000, `run took ${report.durationMs} ms`);
      for (const probe of report.probes.filter((p) => p.kind === 'http'))
        assert.match(probe.error?.code ?? '', /TIMEOUT/, `${probe.name}: ${JSON.stringify(probe.error)}`);
      // the load run counts its attempts as timeouts inside the 2 s instead of being cut off with nothing counted
      assert.ok(report.latency!.requests > 0 && report.latency!.timeouts === report.latency!.requests, JSON.stringify(report.latency));
      assert.equal(report.latency!.errorRate, 1);
    } finally {
      await silent.close();
    }
  });
});

describe('bad input → exit 2 with one clear line, no stack trace', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown scenario', ['--scenario', 'nope'], /unknown scenario "nope".*RP_ERR_UNKNOWN_SCENARIO/],
    ['unknown flag', ['--scenario', 'smoke', '--frobnicate'], /unknown option --frobnicate/],
    ['bad flag value', ['--scenario', 'smoke', '--timeout', 'soon'], /--timeout: expected a duration like 5s, got "soon"/],
    ['bad target', ['--scenario', 'smoke', '--target', 'localhost:8000'], /--target: expected an http\(s\) URL/],
    ['bad connections', ['--scenario', 'latency', '--connections', 'many'], /--connections: expected a positive integer/],
    ['missing config file', ['--scenario', 'smoke', '--config', 'missing.yaml'], /missing\.yaml: cannot read config file/],
  ];
  for (const [name, args, pattern] of cases) {
    test(name, async () => {
      const run = await runCli(args);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, pattern);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      assert.doesNotMatch(run.stderr, /\n\s+at /);
      assert.equal(run.stdout, '');
    });
  }
});
