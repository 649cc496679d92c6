import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { formatDuration } from '../config/duration.js';
import { planScenario, scenarioDescriptions } from '../scenarios/plan.js';
import type { CliArgs } from './args.js';
import type { Io } from './oneshot.js';

/** Which dependency checks run, and how: the rule is in config/load.ts (dependencyDefaults). */
function dependencyChecks(config: Config): string[] {
  const { openai, github, others } = config.external;
  const state = (d: { enabled: boolean; url: string }, credential: string, name: string): string =>
    !d.enabled ? "off (not named under external: nor given in the environment, or enabled: false)" : !d.url.trim() ? 'off (url empty)' : credential ? `on, ${d.url} (authenticated)` : `on, ${d.url} (no ${name}: reachability only, 401/403 counts as reachable)`;
  return [
    `  openai     ${state(openai, openai.apiKey, 'OPENAI_API_KEY')}`,
    `  github     ${state(github, github.token, 'GITHUB_TOKEN')}`,
    ...others.map((o) => `  ${o.name.padEnd(10)} ${o.enabled ? `on, ${o.url}` : 'off (enabled: false)'}`),
  ];
}

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
    `  notify     ${config.notify.map((n) => `${n.type}${n.notices ? ' (+ dependency notices)' : ''}`).join(', ') || 'none'}`,
    ...dependencyChecks(config),
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
