/** `probe demo`: the built-in simulated API (with fault injection), probed on a loop so you see the tool work. */
import { setTimeout as delay } from 'node:timers/promises';
import { validateConfig } from '../config/load.js';
import { parseFault, formatFault, type Fault } from '../demo/faults.js';
import { startSimulatedApi, type SimulatedApi } from '../demo/api.js';
import { COLOR, PLAIN, formatHuman } from '../report/human.js';
import { runScenario } from '../run-scenario.js';
import { planScenario } from '../scenarios.js';
import type { CliArgs } from './args.js';
import { probeEnvironment } from './context.js';
import type { Io } from './oneshot.js';

async function startApi(port: number | undefined, fault: Fault): Promise<SimulatedApi> {
  try {
    return await startSimulatedApi({ port: port ?? 8000, fault });
  } catch (err) {
    if (port === undefined && (err as NodeJS.ErrnoException).code === 'EADDRINUSE') return startSimulatedApi({ port: 0, fault });
    throw err;
  }
}

export async function runDemo(args: CliArgs, io: Io): Promise<number> {
  const fault = parseFault(args.fault ?? 'none');
  const api = await startApi(args.port, fault);
  const style = io.stdout.isTTY && !io.env['NO_COLOR'] ? COLOR : PLAIN;
  const config = validateConfig({ target: api.url, daemon: { interval: '5s' } }, { env: {} });
  io.stdout.write(
    [
      `Simulated DeepTech Radar API on ${api.url}  (fault: ${formatFault(api.fault())})`,
      `  its metrics:    ${api.url}/metrics`,
      `  inject a fault: curl -X PUT --data 'errors=0.3' ${api.url}/__fault   (none, outage, errors=R, latency=MS, near-fail, hang)`,
      '',
    ].join('\n'),
  );
  const env = probeEnvironment(config, { signal: io.signal });
  try {
    do {
      const plan = planScenario('smoke', config, { load: { amount: 50, connections: 5 } });
      const { report } = await runScenario({ plan, config, runner: env.runner });
      io.stdout.write(`${new Date().toISOString()}  fault=${formatFault(api.fault())}\n${formatHuman(report, style)}\n`);
      if (args.once) return report.passed ? 0 : 1;
      await delay(config.daemon.interval, undefined, { signal: io.signal }).catch(() => undefined);
    } while (!io.signal.aborted);
    return 0;
  } finally {
    await env.close();
    await api.close();
  }
}
