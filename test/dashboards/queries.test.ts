/**
 * Issue 18 acceptance 1: a real Prometheus scrapes a running daemon (simulated API, real PostgreSQL, the OpenAI,
 * GitHub and Kubernetes stand-ins, a load group, the API's real traffic read back from Prometheus, and a blackbox-style job
 * scraping the daemon's /probe of an HTTPS server whose certificate a test CA signed) and every query of every panel of
 * the dashboard returns data through the HTTP API. Queries whose series only exist under a fault are listed below with the reason; the test
 * injects that fault and then asserts their data appears.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as pause } from 'node:timers/promises';
import pg from 'pg';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';
import { parseFault } from '../../src/demo/faults.js';
import { killOnExit, startDaemon, type DaemonProcess } from '../daemon/harness.js';
import { makeCertificates } from '../helpers/certificates.js';
import { startKubeApiServer, type KubeApiServer } from '../helpers/kube-apiserver.js';
import { pgAvailable, PG_UNAVAILABLE_REASON, startPgCluster, type PgCluster } from '../helpers/pg-cluster.js';
import { freePort, prometheusBinary, startPrometheus, type PrometheusServer } from '../helpers/prometheus-server.js';
import { startGitHubStandIn, startOpenAiStandIn, type ProviderStandIn } from '../helpers/providers.js';
import { httpsServer, type Running } from '../helpers/servers.js';
import { runShards } from '../helpers/shard-runs.js';
import { loadDashboard, panelQueries, substitute, variableSelector, type PanelQuery } from './dashboard.js';

const skip = !prometheusBinary() ? 'prometheus is not installed (apt-get install prometheus)' : !pgAvailable() ? PG_UNAVAILABLE_REASON : false;

type Fault = 'hang' | 'reload' | 'load-run';

/** panel title → why its series exist only under a fault (or after an event), and the fault that brings them */
const ONLY_UNDER_FAULT: Record<string, { why: string; fault: Fault }> = {
  'Failing probes': { why: 'probe_failure_info is exported only while a probe fails', fault: 'hang' },
  'Schedule overlaps': { why: "a probe's overlap counter appears at its first skipped run: runs outlast the 1 s interval", fault: 'hang' },
  'Notifications by sink and outcome': { why: 'the delivery counter appears at the first notification: an incident opens', fault: 'hang' },
  'Config reloads': { why: 'the reload counter appears at the first reload', fault: 'reload' },
  'Sharded runs: merged quantiles': { why: 'a sharded run is exported once its shards posted to the daemon and merged', fault: 'load-run' },
  'Sharded runs: passed or failed': { why: 'a sharded run is exported once its shards posted to the daemon and merged', fault: 'load-run' },
};

const faultOf = (q: PanelQuery): Fault | undefined => Object.entries(ONLY_UNDER_FAULT).find(([title]) => q.where.includes(`/ ${title} (`))?.[1].fault;

/** the bearer token the shards of the injected load run post with */
const LOAD_JOB_TOKEN = 'dashboard-load-job-token-0123';

const dashboard = loadDashboard();
const queries = panelQueries(dashboard);

/**
 * The API's own traffic on its database: pg_stat_statements ranks what ran between two probe runs, so without
 * application statements the "slowest statements" series are rightly empty.
 */
function databaseTraffic(url: string): { stop(): Promise<void> } {
  const client = new pg.Client({ connectionString: url });
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      await client.query('SELECT count(*) FROM pg_class WHERE relname LIKE $1', ['pg_%']);
      await pause(100);
    }
  })().then(
    () => undefined,
    (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
  );
  return {
    async stop() {
      running = false;
      const failed = await loop;
      await client.end();
      if (failed) throw failed;
    },
  };
}

/** Polls one query until it returns samples; a query Prometheus refuses fails at once instead of timing out. */
async function dataFor(prometheus: PrometheusServer, q: PanelQuery, timeoutMs: number): Promise<number> {
  const expr = substitute(q.expr);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let data: Awaited<ReturnType<PrometheusServer['query']>>;
    try {
      data = await prometheus.query(expr);
    } catch (err) {
      throw new Error(`${q.where}: Prometheus refused ${expr}: ${(err as Error).message}`, { cause: err });
    }
    if (data.result.length > 0) return data.result.length;
    if (Date.now() > deadline) throw new Error(`${q.where}: no data within ${timeoutMs} ms for ${expr}`);
    await pause(250);
  }
}

describe(
  'every dashboard query returns data from a real Prometheus scraping the daemon (issue 18 acceptance 1)',
  { skip, concurrency: false },
  () => {
    let api: SimulatedApi;
    let database: PgCluster;
    let traffic: { stop(): Promise<void> } | undefined;
    let openai: ProviderStandIn;
    let github: ProviderStandIn;
    let kube: KubeApiServer;
    let daemon: DaemonProcess | undefined;
    let prometheus: PrometheusServer | undefined;
    let tls: Running;

    before(async () => {
      // an HTTPS target for /probe: its certificate (90 days left) is signed by a CA the daemon trusts through probeCaFile
      const certs = makeCertificates(Date.now() + 90 * 86_400_000);
      [api, database, openai, github, kube, tls] = await Promise.all([
        startSimulatedApi({ port: 0 }),
        startPgCluster(),
        startOpenAiStandIn(),
        startGitHubStandIn(),
        startKubeApiServer('healthy', { workload: { namespace: 'prod' } }),
        httpsServer(certs, (_req, res) => res.end('{"status":"ok"}')),
      ]);
      traffic = databaseTraffic(database.url);
      // the daemon's prometheus probe reads the API's real traffic from the same Prometheus that scrapes both
      const prometheusPort = await freePort();
      const stateDir = join(mkdtempSync(join(tmpdir(), 'rp-dashboard-')), 'state');
      daemon = await startDaemon(
        `
target: ${api.url}
timeout: 2s
kubernetes: { namespace: prod }
load: { endpoint: papers, connections: 2 }
database: { url: ${JSON.stringify(database.url)} }
external:
  openai: { url: ${JSON.stringify(openai.baseUrl)}, apiKey: sk-test-key-for-the-stand-in }
  github: { url: ${JSON.stringify(github.baseUrl)}, token: ghp_testtokenforthestandin }
prometheus: { url: "http://127.0.0.1:${prometheusPort}", window: 1m }
daemon:
  host: 127.0.0.1
  interval: 1s
  jitter: 0
  window: 10s
  groups: [{ scenario: continuous }, { scenario: smoke, cron: "*/2 * * * * *" }]
  probeTargets: [${JSON.stringify(tls.url)}]
  probeCaFile: ${JSON.stringify(certs.caFile)}
incidents: { stateDir: ${JSON.stringify(stateDir)}, openAfter: 2, apiTokens: [{ name: load-job, token: ${LOAD_JOB_TOKEN} }] }
notify: [{ type: log }]
`,
        { env: { KUBECONFIG: kube.kubeconfigPath } },
      );
      await daemon.waitFor((l) => l.msg === 'first evaluation done: ready', 15_000, 'readiness');
      prometheus = await startPrometheus({
        port: prometheusPort,
        targets: [
          { job: 'radar-probe', address: new URL(daemon.url).host },
          { job: 'deeptech-api', address: new URL(api.url).host },
          { job: 'blackbox-https', address: new URL(daemon.url).host, probe: { module: 'http_2xx', target: `${tls.url}/health` } },
        ],
      });
    });
    after(async () => {
      await prometheus?.stop();
      killOnExit(daemon);
      await traffic?.stop();
      await Promise.all([api?.close(), openai?.close(), github?.close(), kube?.close(), tls?.close(), database?.stop()]);
    });

    test('the dashboard has queries, and the fault list names only panels that exist', () => {
      assert.ok(queries.length > 40, `${queries.length} queries`);
      for (const title of Object.keys(ONLY_UNDER_FAULT))
        assert.ok(
          queries.some((q) => q.where.includes(`/ ${title} (`)),
          `"${title}" is listed as fault-only but is no panel`,
        );
    });

    test('the job, instance and probe variables find values', async () => {
      for (const variable of dashboard.templating.list) {
        const selector = variableSelector(variable);
        if (selector) await dataFor(prometheus!, { where: `variable ${variable.name}`, expr: selector }, 20_000);
      }
    });

    test('every query of a healthy daemon returns data', async (t) => {
      const healthy = queries.filter((q) => faultOf(q) === undefined);
      const missing: string[] = [];
      for (const q of healthy) await dataFor(prometheus!, q, 30_000).catch((err: Error) => missing.push(err.message));
      assert.deepEqual(missing, [], missing.join('\n'));
      t.diagnostic(`${healthy.length} queries answered with data`);
    });

    test('choosing one probe narrows every per-probe panel to it', async () => {
      const perProbe = queries.filter((q) => q.expr.includes('$probe') && faultOf(q) === undefined);
      assert.ok(perProbe.length >= 8, `${perProbe.length} per-probe queries`);
      for (const q of perProbe) {
        const data = await prometheus!.query(substitute(q.expr, { probe: 'health' }));
        assert.ok(data.result.length > 0, `${q.where}: no data for probe "health"`);
        for (const r of data.result) assert.ok([undefined, 'health'].includes(r.metric['probe']), `${q.where}: ${JSON.stringify(r.metric)}`);
      }
    });

    test('the TLS panels read both the endpoint probes and the /probe job: the variables keep that job', async () => {
      const job = dashboard.templating.list.find((v) => v.name === 'job')!;
      const jobs = await prometheus!.query(`count by (job) (${variableSelector(job)})`);
      assert.ok(
        jobs.result.some((r) => r.metric['job'] === 'blackbox-https'),
        `the job variable lists ${JSON.stringify(jobs.result.map((r) => r.metric))}`,
      );
      const instance = dashboard.templating.list.find((v) => v.name === 'instance')!;
      const instances = await prometheus!.query(substitute(variableSelector(instance)!, { job: 'blackbox-https' }));
      assert.deepEqual(
        instances.result.map((r) => r.metric['instance']),
        [`${tls.url}/health`],
        'the instance variable offers the probed target',
      );
      const expiry = queries.find((q) => q.where.includes('/ Certificate expires in ('))!;
      const data = await prometheus!.query(substitute(expiry.expr, { job: 'blackbox-https' }));
      assert.equal(data.result.length, 1, JSON.stringify(data.result));
      const days = Number(data.result[0].value[1]) / 86_400;
      assert.ok(days > 89 && days <= 90, `${days} days left`);
    });

    test('after a sharded load run, under an API hang and after a reload, the fault-only queries return data too', async (t) => {
      const inject: Record<Fault, () => Promise<unknown> | void> = {
        hang: () => api.setFault(parseFault('hang')),
        reload: () => void daemon!.proc.kill('SIGHUP'),
        // two small shards of one run post their results to the daemon, which merges them
        'load-run': async () => {
          const flags = ['--rate', '10', '--duration', '1s', '--run', 'dashboard-run', '--post-to', daemon!.url];
          const shards = await runShards(api.url, 2, mkdtempSync(join(tmpdir(), 'rp-dashboard-run-')), flags, {
            env: { PROBE_API_TOKEN: LOAD_JOB_TOKEN },
          });
          for (const run of shards.runs) assert.equal(run.code, 0, run.stderr);
        },
      };
      for (const fault of ['load-run', 'hang', 'reload'] as const) {
        const affected = queries.filter((q) => faultOf(q) === fault);
        assert.ok(affected.length > 0, fault);
        await inject[fault]();
        for (const q of affected) await dataFor(prometheus!, q, 30_000);
        t.diagnostic(`${fault}: ${affected.map((q) => q.where).join(', ')}`);
      }
    });
  },
);
