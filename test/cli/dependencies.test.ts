/** The dependency probes through the real binary: PostgreSQL, OpenAI/GitHub stand-ins, and a Kubernetes API stand-in. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';
import type { RunReport } from '../../src/model/types.js';
import { runCli } from '../helpers/cli.js';
import { pgAvailable, PG_UNAVAILABLE_REASON, startPgCluster, type PgCluster } from '../helpers/pg-cluster.js';
import { startGitHubStandIn, startOpenAiStandIn, type ProviderStandIn } from '../helpers/providers.js';
import { startKubeApiServer } from '../helpers/kube-apiserver.js';
import { startSleeper, waitUntil } from '../probes/postgres/sessions.js';
import { closedPort } from '../helpers/servers.js';

let api: SimulatedApi;
before(async () => {
  api = await startSimulatedApi({ port: 0 });
});
after(() => api.close());

function configFile(lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'rp-dep-')), 'probe.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Runs a scenario through the binary and returns the parsed report with the raw output (for secret greps). */
async function scenario(name: string, lines: string[], env: Record<string, string> = {}, extra: string[] = []) {
  const run = await runCli(['--scenario', name, '--config', configFile([`target: ${api.url}`, ...lines]), '--json', ...extra], { env });
  let report: RunReport;
  try {
    report = JSON.parse(run.stdout) as RunReport;
  } catch {
    assert.fail(`no JSON on stdout (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return { ...run, report };
}

const noExternal = ['external:', '  openai: { enabled: false }', '  github: { enabled: false }'];

describe('PostgreSQL through the CLI', { skip: pgAvailable() ? false : PG_UNAVAILABLE_REASON, concurrency: false }, () => {
  let db: PgCluster;
  before(async () => {
    db = await startPgCluster();
  });
  after(() => db?.stop());

  test('a query sleeping in another session for 6 s → errors exits 1 with db_query_timeout carrying pid and duration', async () => {
    const sleeper = await startSleeper(db.url, 8);
    try {
      await waitUntil(
        db.superuserUrl,
        "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND now() - query_start > interval '5.3 seconds') AS ok",
        [sleeper.pid],
      );
      const { code, report } = await scenario('errors', [`database: { url: "${db.url}" }`, ...noExternal]);
      assert.equal(code, 1);
      const finding = report.findings.find((f) => f.cause === 'db_query_timeout');
      assert.ok(finding, JSON.stringify(report.findings.map((f) => f.cause)));
      const evidence = finding.evidence.join('\n');
      assert.match(evidence, new RegExp(`\\b${sleeper.pid}\\b`));
      assert.match(evidence, /\d+(\.\d+)?\s*s/);
    } finally {
      await db.restart().catch(() => undefined);
    }
  });

  test('latency with DATABASE_URL: a slow statement from before the run is listed as history, not a finding', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    for (let i = 0; i < 5; i++) await client.query('SELECT count(*) FROM generate_series(1, 20000)');
    await client.query('SELECT pg_sleep(0.6)');
    await client.end();
    const { report } = await scenario('latency', [...noExternal], { DATABASE_URL: db.url });
    const statements = report.probes.find((p) => p.name === 'db-statements');
    assert.equal(statements?.status, 'pass', JSON.stringify(statements));
    assert.equal(statements.details?.['mode'], 'window');
    const history = statements.details?.['allTimeTop'] as { query: string }[];
    assert.ok(
      history.some((s) => s.query.includes('generate_series')),
      JSON.stringify(history),
    );
    assert.ok(
      history.some((s) => s.query.includes('pg_sleep')),
      JSON.stringify(history),
    );
    assert.ok(!report.findings.some((f) => f.cause === 'db_slow_statements'), JSON.stringify(report.findings));
  });

  test('wrong password → db_connection_failure, exit 1, the password nowhere in the output', async () => {
    const secret = 'Wr0ng-Pa55word-xyzzy';
    const { code, report, stdout, stderr } = await scenario('outage', [], { DATABASE_URL: db.urlFor({ password: secret }) });
    assert.equal(code, 1);
    assert.ok(report.findings.some((f) => f.cause === 'db_connection_failure'));
    assert.ok(!stdout.includes(secret) && !stderr.includes(secret), 'password leaked');
  });

  test('database port closed → db_connection_failure within --timeout', async () => {
    const port = await closedPort();
    const { code, report, ms } = await scenario('outage', [], { DATABASE_URL: `postgres://u:p@127.0.0.1:${port}/db` }, ['--timeout', '3s']);
    assert.equal(code, 1);
    assert.ok(report.findings.some((f) => f.cause === 'db_connection_failure'));
    assert.ok(ms < 5_000, `took ${ms} ms`);
  });
});

test('no DATABASE_URL → database probes skipped with the reason, and the run passes', async () => {
  const { code, report } = await scenario('outage', []);
  const dbProbe = report.probes.find((p) => p.name === 'db-connect');
  assert.equal(dbProbe?.status, 'skipped');
  assert.match(dbProbe.reason ?? '', /DATABASE_URL/);
  assert.equal(code, 0, JSON.stringify(report.findings));
});

describe('OpenAI and GitHub through the CLI', () => {
  let openai: ProviderStandIn;
  let github: ProviderStandIn;
  before(async () => {
    [openai, github] = await Promise.all([startOpenAiStandIn(), startGitHubStandIn()]);
  });
  after(() => Promise.all([openai.close(), github.close()]));

  test('OpenAI 503 and GitHub rate limited → both findings; the keys reach the providers and nowhere else', async () => {
    openai.mode = '5xx';
    github.mode = 'ratelimited';
    const key = 'sk-test-PLANTED-openai-key-0123456789';
    const token = 'ghp_PLANTEDgithubtoken0123456789abcdef';
    const { code, report, stdout, stderr } = await scenario('errors', [], {
      OPENAI_BASE_URL: openai.baseUrl,
      GITHUB_API_URL: github.baseUrl,
      OPENAI_API_KEY: key,
      GITHUB_TOKEN: token,
    });
    assert.equal(code, 1);
    const causes = report.findings.map((f) => f.cause);
    assert.ok(causes.includes('external_openai_failure'), causes.join());
    assert.ok(causes.includes('github_rate_limited'), causes.join());
    assert.ok(openai.requests.some((r) => r.headers.authorization === `Bearer ${key}`));
    assert.ok(github.requests.some((r) => String(r.headers.authorization).endsWith(token)));
    for (const secret of [key, token]) assert.ok(!stdout.includes(secret) && !stderr.includes(secret), 'secret leaked');
  });
});

describe('Kubernetes through the CLI (KUBECONFIG → API stand-in)', () => {
  const cases: [Parameters<typeof startKubeApiServer>[0], (report: RunReport) => void][] = [
    [
      'crashloop-oom',
      (r) => {
        assert.equal(r.severity, 'P0');
        assert.ok(
          r.findings.some((f) => f.cause === 'oom_killed' && f.severity === 'P0'),
          JSON.stringify(r.findings.map((f) => f.cause)),
        );
      },
    ],
    [
      'imagepull-notfound',
      (r) => {
        const f = r.findings.find((x) => x.cause === 'image_pull_failure');
        assert.ok(f, JSON.stringify(r.findings.map((x) => x.cause)));
        assert.ok(f.actions.some((a) => a.startsWith('kubectl set image deployment/deeptech-api')));
      },
    ],
    [
      'crashloop-pg-hba',
      (r) => {
        const f = r.findings.find((x) => x.cause === 'db_connection_failure');
        assert.ok(f, JSON.stringify(r.findings.map((x) => x.cause)));
        assert.ok(f.actions.some((a) => a.includes('kubectl rollout restart deployment/deeptech-api -n prod')));
      },
    ],
  ];
  test('with no namespace in config, the kubeconfig context names it (as kubectl)', async () => {
    const kube = await startKubeApiServer('crashloop-pg-hba', { workload: { namespace: 'staging' } });
    try {
      const { code, report } = await scenario('outage', [], { KUBECONFIG: kube.kubeconfigPath });
      assert.equal(code, 1);
      const f = report.findings.find((x) => x.cause === 'db_connection_failure');
      assert.ok(
        f?.actions.some((a) => a.includes('-n staging')),
        JSON.stringify(report.findings.map((x) => x.actions)),
      );
    } finally {
      await kube.close();
    }
  });

  test("one namespace per run: with none in config, every finding of a down API and a broken cluster names the context's", async () => {
    const kube = await startKubeApiServer('crashloop-pg-hba', { workload: { namespace: 'prod' } });
    try {
      const down = `http://127.0.0.1:${await closedPort()}`;
      const run = await runCli(['--scenario', 'outage', '--config', configFile([`target: ${down}`]), '--json'], {
        env: { KUBECONFIG: kube.kubeconfigPath },
      });
      const report = JSON.parse(run.stdout) as RunReport;
      const causes = report.findings.map((f) => f.cause);
      assert.ok(causes.includes('api_outage') && causes.includes('db_connection_failure'), JSON.stringify(causes));
      for (const finding of report.findings) {
        const named = finding.actions.flatMap((a) => [...a.matchAll(/(?:-n |--namespace[= ])(\S+)/g)].map((m) => m[1]));
        assert.ok(named.length > 0 || !finding.actions.some((a) => a.startsWith('kubectl')), `${finding.cause}: ${JSON.stringify(finding.actions)}`);
        assert.deepEqual(
          [...new Set(named)].filter((ns) => ns !== 'prod'),
          [],
          `${finding.cause}: ${JSON.stringify(finding.actions)}`,
        );
      }
      const outage = report.findings.find((f) => f.cause === 'api_outage')!;
      assert.ok(
        outage.actions.some((a) => a.includes('-n prod')),
        JSON.stringify(outage.actions),
      );
    } finally {
      await kube.close();
    }
  });

  for (const [name, check] of cases) {
    test(`outage: ${String(name)}`, async () => {
      const kube = await startKubeApiServer(name, { workload: { namespace: 'prod' } });
      try {
        const { code, report } = await scenario('outage', ['kubernetes: { namespace: prod }'], { KUBECONFIG: kube.kubeconfigPath });
        assert.equal(code, 1);
        check(report);
      } finally {
        await kube.close();
      }
    });
  }
});
