import { loadConfig } from '../config/load.js';
import { formatDuration } from '../config/duration.js';
import { planScenario, scenarioDescriptions } from '../scenarios/plan.js';
import type { CliArgs } from './args.js';
import type { Io } from './oneshot.js';

/** Validates the config (every problem at once, via the thrown ConfigError) and shows what it resolved to. */
export async function checkConfig(args: CliArgs, io: Io): Promise<number> {
  const { config, source } = await loadConfig({ file: args.config, env: io.env, overrides: args.target ? { target: args.target } : {} });
  // Planning every scenario catches cross-field problems (load.endpoint naming a missing endpoint) now, not at 3 a.m.
  for (const [name] of scenarioDescriptions()) planScenario(name, config);
  const lines = [
    `config OK (${source})`,
    `  target     ${config.target}`,
    `  service    ${config.service}`,
    `  endpoints  ${config.endpoints.map((e) => `${e.name} ${e.path}`).join(', ')}`,
    `  database   ${config.database.url ? 'configured' : 'not set (database probes will be skipped)'}`,
    `  kubernetes ${config.kubernetes.namespace ?? '(kubeconfig context namespace)'}/${config.kubernetes.deployment} (${config.kubernetes.selector})`,
    `  daemon     port ${config.daemon.port}, every ${formatDuration(config.daemon.interval)}`,
    `  notify     ${config.notify.map((n) => n.type).join(', ') || 'none'}`,
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
