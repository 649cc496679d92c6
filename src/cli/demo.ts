/** `probe demo`: the built-in simulated API (with fault injection) and the daemon probing it, so you see the tool work. */
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { Daemon } from '../daemon/daemon.js';
import { switchableRedactor } from '../daemon/generation.js';
import { daemonLogger } from '../daemon/logger.js';
import { parseFault, formatFault, type Fault } from '../demo/faults.js';
import { startSimulatedApi, type SimulatedApi } from '../demo/api.js';
import { pgAvailable, startPgCluster, type PgCluster } from '../demo/pg-cluster.js';
import { COLOR, PLAIN, formatHuman } from '../report/human.js';
import type { CliArgs } from './args.js';
import type { Io } from './oneshot.js';

const DAEMON_PORT = 9464;

async function startApi(port: number | undefined, fault: Fault): Promise<SimulatedApi> {
  try {
    return await startSimulatedApi({ port: port ?? 8000, fault });
  } catch (err) {
    if (port === undefined && /EADDRINUSE/.test((err as Error).message)) return startSimulatedApi({ port: 0, fault });
    throw err;
  }
}

async function demoConfig(api: SimulatedApi, daemonPort: number, databaseUrl: string, stateDir: string): Promise<Config> {
  return validateConfig(
    {
      target: api.url,
      database: { url: databaseUrl },
      // Nothing outside this machine: no cluster, no third-party APIs, state in a throwaway directory.
      kubernetes: { enabled: false },
      external: { openai: { enabled: false }, github: { enabled: false } },
      incidents: { stateDir, openAfter: 2 },
      daemon: {
        // a demo is a laptop run: nothing but this machine reaches it
        listen: '127.0.0.1',
        port: daemonPort,
        interval: '5s',
        window: '1m',
        // the smoke group adds the load probe (50 requests), every 5 minutes — never on the 5 s timer
        groups: [{ scenario: 'continuous' }, { scenario: 'smoke', interval: '5m' }],
      },
    },
    { env: {} },
  );
}

async function startDaemon(api: SimulatedApi, io: Io, args: CliArgs, databaseUrl: string, stateDir: string): Promise<Daemon> {
  const attempt = async (port: number): Promise<Daemon> => {
    const config = await demoConfig(api, port, databaseUrl, stateDir);
    const redact = switchableRedactor(config, {});
    // stdout carries the demo's own report; the daemon's log goes beside it on stderr
    const log = daemonLogger({ level: args.logLevel ?? 'warn', redact, tty: Boolean(io.stderr.isTTY), color: !io.env['NO_COLOR'], fd: 2 });
    return Daemon.start({ config, log, redact, env: {}, listen: !args.once, schedule: !args.once });
  };
  try {
    return await attempt(DAEMON_PORT);
  } catch (err) {
    if (/EADDRINUSE/.test((err as Error).message)) return attempt(0);
    throw err;
  }
}

/** A real PostgreSQL for the database probes when the server binaries are installed; the demo works without one. */
async function startDatabase(io: Io): Promise<PgCluster | undefined> {
  if (!pgAvailable()) {
    io.stdout.write('PostgreSQL is not installed: the database probes will report skipped\n');
    return undefined;
  }
  try {
    const db = await startPgCluster();
    io.stdout.write(`Throwaway PostgreSQL on 127.0.0.1:${db.port} (database ${db.database}), probed by the database checks\n`);
    return db;
  } catch (err) {
    io.stdout.write(`PostgreSQL could not be started (${(err as Error).message.split('\n')[0]}): the database probes will report skipped\n`);
    return undefined;
  }
}

export async function runDemo(args: CliArgs, io: Io): Promise<number> {
  const fault = parseFault(args.fault ?? 'none');
  const api = await startApi(args.port, fault);
  const style = io.stdout.isTTY && !io.env['NO_COLOR'] ? COLOR : PLAIN;
  io.stdout.write(`Simulated DeepTech Radar API on ${api.url}  (fault: ${formatFault(api.fault())})\n`);
  let daemon: Daemon | undefined;
  let db: PgCluster | undefined;
  const stateDir = await mkdtemp(join(tmpdir(), 'radar-probe-demo-'));
  try {
    db = await startDatabase(io);
    daemon = await startDaemon(api, io, args, db?.url ?? '', stateDir);
    if (args.once) {
      const report = await daemon.runOnce();
      io.stdout.write(`${formatHuman(report, style)}\n`);
      return report.passed ? 0 : 1;
    }
    const [first] = (await Promise.race([once(daemon, 'cycle'), once(io.signal, 'abort').then(() => [null])])) as [
      Parameters<typeof formatHuman>[0] | null,
    ];
    if (first) io.stdout.write(`${new Date().toISOString()}  fault=${formatFault(api.fault())}\n${formatHuman(first, style)}\n`);
    io.stdout.write(
      [
        `Daemon probing it every 5 s:`,
        `  status page:    ${daemon.url}/`,
        `  metrics:        ${daemon.url}/metrics`,
        `  results:        ${daemon.url}/api/results     incidents: ${daemon.url}/api/incidents`,
        `  blackbox-style: ${daemon.url}/probe?target=${api.url}/health&module=http_2xx`,
        `  inject a fault: curl -X PUT --data 'outage' ${api.url}/__fault   (none, outage, errors=R, latency=MS, near-fail, api-fail, hang, reset, huge-body, invalid-json)`,
        `  the API's own metrics: ${api.url}/metrics`,
        'Ctrl-C stops.',
        '',
      ].join('\n'),
    );
    let severity = first?.severity ?? null;
    daemon.on('cycle', (report) => {
      if (report.severity === severity) return;
      severity = report.severity;
      io.stdout.write(`${report.startedAt}  fault=${formatFault(api.fault())}\n${formatHuman(report, style)}\n`);
    });
    if (!io.signal.aborted) await once(io.signal, 'abort');
    return 0;
  } finally {
    await daemon?.stop();
    await db?.stop();
    await api.close();
    // the demo's incidents are throwaway, like its database
    await rm(stateDir, { recursive: true, force: true });
  }
}
