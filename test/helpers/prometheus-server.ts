/**
 * Starts the real Prometheus server (Debian package `prometheus`) on a free local port with a throwaway TSDB,
 * scraping the given targets every second, resolved once every target has been scraped; and stops it again. `PROMETHEUS_BIN` overrides the binary.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';

export interface ScrapeTarget {
  job: string;
  /** host:port */
  address: string;
  /**
   * A blackbox-style job: scrape `/probe?module=M&target=T` of `address`, with the probed target as the `instance`
   * label, as the blackbox_exporter relabelling does.
   */
  probe?: { module: string; target: string };
}

function scrapeJob(t: ScrapeTarget): string {
  const job = `  - job_name: ${JSON.stringify(t.job)}\n    static_configs:\n      - targets: [${JSON.stringify(t.address)}]`;
  if (!t.probe) return job;
  const params = `    metrics_path: /probe\n    params: { module: [${JSON.stringify(t.probe.module)}], target: [${JSON.stringify(t.probe.target)}] }`;
  const instance = `    relabel_configs:\n      - { target_label: instance, replacement: ${JSON.stringify(t.probe.target)} }`;
  return `${job}\n${params}\n${instance}`;
}

export interface PrometheusServer {
  url: string;
  /** instant query; returns the `data` of a success answer or throws with Prometheus' error text */
  query(expr: string): Promise<{ resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] }>;
  stop(): Promise<void>;
}

export function prometheusBinary(): string | null {
  const candidates = process.env.PROMETHEUS_BIN
    ? [process.env.PROMETHEUS_BIN]
    : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'prometheus'));
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `probe` until it yields a value; the bound turns a hang into a clear failure. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await pause(options.everyMs ?? 100);
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

function configYaml(targets: readonly ScrapeTarget[], withRules: boolean): string {
  const jobs = targets.map(scrapeJob).join('\n');
  return `global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\n  evaluation_interval: 1s\n${withRules ? 'rule_files: [rules.yml]\n' : ''}scrape_configs:\n${jobs}\n`;
}

/** `port`: a port chosen beforehand, for a scraped process that must know Prometheus' URL before Prometheus starts */
export async function startPrometheus(options: { targets: readonly ScrapeTarget[]; rules?: string; port?: number }): Promise<PrometheusServer> {
  const bin = prometheusBinary();
  if (!bin) throw new Error('prometheus binary not found (install the Debian package "prometheus" or set PROMETHEUS_BIN)');
  const dir = await mkdtemp(join(tmpdir(), 'radar-prom-'));
  await writeFile(join(dir, 'prometheus.yml'), configYaml(options.targets, options.rules !== undefined));
  if (options.rules !== undefined) await writeFile(join(dir, 'rules.yml'), options.rules);
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));

  const stop = async (): Promise<void> => {
    if (!gone) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      'Prometheus /-/ready',
      async () => {
        if (gone) throw new Error(`prometheus exited: ${stderr}`);
        const res = await fetch(`${url}/-/ready`);
        await res.arrayBuffer();
        return res.ok ? true : undefined;
      },
      { timeoutMs: 20_000 },
    );
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${stderr}`, { cause: err });
  }
  const server: PrometheusServer = {
    url,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const doc = (await res.json()) as { status: string; data: never; error?: string };
      if (doc.status !== 'success') throw new Error(doc.error ?? `status ${res.status}`);
      return doc.data;
    },
    stop,
  };
  // Ready is not scraping: service discovery hands targets over in batches (every 5 s), so wait for `up` of each.
  try {
    await waitFor(
      'a first scrape of every target',
      async () => {
        const data = await server.query('count by (job) (up)');
        const jobs = new Set(data.result.map((r) => r.metric.job));
        return options.targets.every((t) => jobs.has(t.job)) ? true : undefined;
      },
      { timeoutMs: 20_000 },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return server;
}
