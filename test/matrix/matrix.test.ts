/**
 * Runs every row of test/matrix/rows.ts: the scenario in-process through the CLI's own code path, against a world
 * in the row's fault, and checks the exit code, the severity, the leading cause and every action.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSimulatedApi } from '../../src/demo/api.js';
import { pgAvailable } from '../helpers/pg-cluster.js';
import { runCli } from '../helpers/cli.js';
import { actionProblems } from './actions.js';
import { runScenarioInProcess } from './harness.js';
import { ROWS, type Row } from './rows.js';
import { DEPLOYMENT, NAMESPACE, startWorld, stopSharedCluster } from './world.js';

const WITH_LOAD = new Set(['latency', 'verify', 'smoke']);

function title(r: Row): string {
  const extras = [
    r.kube && `kube ${r.kube}`,
    r.openai && `openai ${r.openai}`,
    r.github && `github ${r.github}`,
    r.db && `db ${r.db}`,
    r.namespaceFrom && 'ns from kubeconfig',
    r.args?.join(' '),
  ]
    .filter(Boolean)
    .join(', ');
  return `${r.fault}${extras ? ` (${extras})` : ''} × ${r.scenario} → exit ${r.exit}, ${r.severity ?? 'no severity'}, ${r.cause ?? 'no finding'}`;
}

function argv(scenario: string, configPath: string, extra: readonly string[] = []): string[] {
  return [
    '--scenario',
    scenario,
    '--config',
    configPath,
    '--json',
    ...(WITH_LOAD.has(scenario) || scenario === 'full' ? ['--amount', '10', '--connections', '10'] : []),
    ...extra,
  ];
}

/**
 * Rows share this process's event loop, so a row's latency figures include the other rows' CPU work; a handful at a
 * time keeps that well under the table's 500 ms band on two busy cores while the slow rows (timeouts, 6 s answers)
 * overlap.
 */
const CONCURRENCY = 4;

describe('fault matrix', { concurrency: CONCURRENCY }, () => {
  // the first run loads and compiles every probe's modules (the Kubernetes client among them): not a row's latency
  before(async () => {
    const world = await startWorld({ fault: 'none', scenario: 'outage', exit: 0, severity: null, cause: null });
    try {
      await runScenarioInProcess(argv('full', world.configPath));
    } finally {
      await world.close();
    }
  });
  after(() => stopSharedCluster());

  for (const r of ROWS) {
    const skip = r.db && r.db !== 'down' && !pgAvailable() ? 'PostgreSQL server binaries are not installed' : false;
    test(title(r), { ...(r.todo ? { todo: r.todo } : {}), skip }, async () => {
      const world = await startWorld(r);
      try {
        const run = await runScenarioInProcess(argv(r.scenario, world.configPath, r.args));
        const report = run.report;
        assert.ok(report, `stdout must hold exactly one JSON document; stderr: ${run.stderr.slice(0, 500)}`);
        const seen = `got exit ${run.code}, ${report.severity ?? 'no severity'}, findings ${JSON.stringify(report.findings.map((f) => `${f.severity} ${f.cause}: ${f.summary}`))}`;
        assert.equal(run.code, r.exit, seen);
        assert.equal(report.severity, r.severity, seen);
        assert.equal(report.findings[0]?.cause ?? null, r.cause, seen);
        for (const finding of report.findings) {
          for (const action of finding.actions) {
            assert.deepEqual(actionProblems(action, NAMESPACE, DEPLOYMENT), [], `${finding.cause}: ${action}`);
          }
        }
        if (r.maxMs !== undefined) assert.ok(run.ms < r.maxMs, `answered after ${Math.round(run.ms)} ms, expected under ${r.maxMs} ms`);
      } finally {
        await world.close();
      }
    });
  }

  // the exit-code contract where the process itself is at stake: the CronJob's heap limit against 64 MiB bodies
  test('huge-body × latency in the real binary under the CronJob heap limit → exit 1, one JSON document', async () => {
    const api = await startSimulatedApi({ fault: { kind: 'huge-body', bytes: 64 * 1024 * 1024 } });
    try {
      const run = await runCli(['--scenario', 'latency', '--target', api.url, '--json', '--amount', '10', '--connections', '10'], {
        env: { NODE_OPTIONS: '--max-old-space-size=320' },
      });
      assert.equal(run.code, 1, run.stderr.slice(0, 500));
      const report = JSON.parse(run.stdout) as { latency: { errors: number; requests: number } };
      assert.equal(report.latency.errors, report.latency.requests);
    } finally {
      await api.close();
    }
  });
});
