/**
 * The world one matrix row runs against: the simulated API with its fault, a Kubernetes API stand-in in a named
 * state, OpenAI and GitHub stand-ins in a mode, and optionally a real PostgreSQL in a named condition. Every row
 * gets its own servers (they start in milliseconds), so rows can run side by side; the PostgreSQL cluster is the
 * one thing shared, started once for the rows that need it.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startSimulatedApi } from '../../src/demo/api.js';
import { parseFault } from '../../src/demo/faults.js';
import { closedPort } from '../helpers/servers.js';
import { startKubeApiServer } from '../helpers/kube-apiserver.js';
import { startGitHubStandIn, startOpenAiStandIn } from '../helpers/providers.js';
import { startPgCluster, superuserSql, type PgCluster } from '../helpers/pg-cluster.js';
import type { Row } from './rows.js';

/** The resolved namespace and deployment every action must name. */
export const NAMESPACE = 'prod';
export const DEPLOYMENT = 'radar-api';

export interface World {
  configPath: string;
  close(): Promise<void>;
}

let cluster: Promise<PgCluster> | null = null;

/** One cluster for every database row, stopped by the suite's after(). */
export function sharedCluster(): Promise<PgCluster> {
  cluster ??= startPgCluster();
  return cluster;
}

export async function stopSharedCluster(): Promise<void> {
  if (cluster) await (await cluster).stop();
}

/** A session that holds a statement running for minutes: pg_stat_activity shows it active > 5 s. */
async function longQuery(url: string): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const running = client.query('SELECT pg_sleep(120)').catch(() => undefined);
  // wait until the server reports it active and old enough to be a long query
  const probe = new pg.Client({ connectionString: url });
  await probe.connect();
  for (;;) {
    const { rows } = await probe.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(120)' AND now() - query_start > interval '5 seconds'",
    );
    if (rows[0].n > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await probe.end();
  return async () => {
    await superuserSql((await sharedCluster()).superuserUrl, [
      "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(120)'",
    ]);
    await running;
    await client.end();
  };
}

async function databaseUrl(row: Row): Promise<{ url: string; release: () => Promise<void> }> {
  const none = async (): Promise<void> => undefined;
  switch (row.db) {
    case undefined:
      return { url: '', release: none };
    case 'down':
      return { url: `postgres://radar:secret@127.0.0.1:${await closedPort()}/radar`, release: none };
    case 'wrong-password':
      return { url: (await sharedCluster()).urlFor({ password: 'not-the-password' }), release: none };
    case 'slow-history': {
      // one statement that took 600 ms before the run: all-time pg_stat_statements history, nothing happening now
      const db = await sharedCluster();
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await client.query('SELECT pg_sleep(0.6)');
      await client.end();
      return { url: db.url, release: none };
    }
    case 'long-query': {
      const db = await sharedCluster();
      return { url: db.url, release: await longQuery(db.url) };
    }
  }
}

export async function startWorld(row: Row): Promise<World> {
  const api = await startSimulatedApi({ fault: parseFault(row.fault) });
  const kube = await startKubeApiServer(row.kube ?? 'healthy', {
    workload: { namespace: NAMESPACE, deployment: DEPLOYMENT, selector: `app=${DEPLOYMENT}` },
  });
  const openai = await startOpenAiStandIn();
  const github = await startGitHubStandIn();
  openai.mode = row.openai ?? 'ok';
  github.mode = row.github ?? 'ok';
  const db = await databaseUrl(row);
  const dir = await mkdtemp(join(tmpdir(), 'rp-matrix-'));
  const configPath = join(dir, 'config.yaml');
  const namespace = row.namespaceFrom === 'kubeconfig' ? '' : `  namespace: ${NAMESPACE}\n`;
  await writeFile(
    configPath,
    [
      `target: ${api.url}`,
      'kubernetes:',
      `  kubeconfig: ${kube.kubeconfigPath}`,
      `${namespace}  deployment: ${DEPLOYMENT}`,
      `  selector: app=${DEPLOYMENT}`,
      `database: { url: "${db.url}" }`,
      'external:',
      `  openai: { url: "${openai.baseUrl}", apiKey: "${row.openaiKey === false ? '' : 'sk-matrix-0123456789abcdef'}" }`,
      `  github: { url: "${github.baseUrl}", token: "ghp_matrix0123456789abcdef" }`,
      `incidents: { stateDir: ${join(dir, 'state')} }`,
      '',
    ].join('\n'),
  );
  return {
    configPath,
    async close() {
      await db.release();
      await Promise.all([api.close(), kube.close(), openai.close(), github.close()]);
    },
  };
}
