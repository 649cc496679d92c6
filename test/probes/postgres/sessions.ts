/** Other sessions on the test cluster that create the conditions the probe must see: sleepers, held slots, locks. */
import pg from 'pg';
import { postgresProbe, type PostgresCheck } from '../../../probes/postgres/index.js';
import { runProbe, type ProbeOutcome } from '../../../probes/types.js';
import { testConfig, testContext, type TestContext } from '../../helpers/context.js';

export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined); // sessions the server kills on purpose must not crash the test process
  await client.connect();
  return client;
}

export async function closeAll(clients: readonly pg.Client[]): Promise<void> {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
}

export interface Sleeper {
  pid: number;
  /** settles when the sleep ends or is cancelled */
  done: Promise<unknown>;
  client: pg.Client;
}

/** Starts `SELECT pg_sleep(seconds)` in its own session and returns without waiting for it. */
export async function startSleeper(url: string, seconds: number): Promise<Sleeper> {
  const client = await connect(url);
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const done = client.query('SELECT pg_sleep($1)', [seconds]).catch((err: unknown) => err);
  return { pid: rows[0].pid, done, client };
}

/** Polls a query until it returns a truthy `ok`, instead of sleeping for a guessed time. */
export async function waitUntil(url: string, sql: string, params: unknown[] = [], timeoutMs = 10_000): Promise<void> {
  const client = await connect(url);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const { rows } = await client.query<{ ok: boolean }>(sql, params);
      if (rows[0]?.ok) return;
      if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms: ${sql}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await client.end();
  }
}

export function databaseYaml(url: string, extra: Record<string, string | number> = {}): string {
  const lines = Object.entries(extra).map(([k, v]) => `  ${k}: ${typeof v === 'number' ? v : JSON.stringify(v)}`);
  return ['database:', `  url: ${JSON.stringify(url)}`, ...lines].join('\n');
}

export interface RunOptions {
  extra?: Record<string, string | number>;
  timeoutMs?: number;
  memory?: Map<string, unknown>;
  signal?: AbortSignal;
}

/** Runs one check the way the runner would, with a config built from YAML. */
export async function runCheck(
  check: PostgresCheck,
  url: string,
  options: RunOptions = {},
): Promise<{ outcome: ProbeOutcome; elapsedMs: number; ctx: TestContext }> {
  const config = testConfig(databaseYaml(url, options.extra));
  const base = testContext(config, { timeoutMs: options.timeoutMs ?? 5_000, ...(options.signal ? { signal: options.signal } : {}) });
  const ctx: TestContext = options.memory ? { ...base, memory: options.memory } : base;
  const started = performance.now();
  try {
    const outcome = await runProbe(postgresProbe, { check }, ctx);
    return { outcome, elapsedMs: performance.now() - started, ctx };
  } finally {
    await ctx.close();
  }
}
