import type { Config } from '../config/schema.js';
import { formatDuration } from '../model/settings/duration.js';
import { createRedactor } from '../support/redact.js';
import { secretsOf } from '../config/secrets.js';
import type { CliArgs } from './args.js';
import type { Io } from './oneshot.js';
import { loadSettings } from './settings.js';

/** Which dependency checks run, and how: the rule is in probes/external/settings.ts (fromEnvironment). */
function dependencyChecks(config: Config): string[] {
  const { openai, github, others } = config.external;
  const state = (d: { enabled: boolean; url: string }, credential: string, name: string): string =>
    !d.enabled
      ? 'off (not named under external: nor given in the environment, or enabled: false)'
      : !d.url.trim()
        ? 'off (url empty)'
        : credential
          ? `on, ${shownUrl(d.url)} (authenticated)`
          : `on, ${shownUrl(d.url)} (no ${name}: reachability only, 401/403 counts as reachable)`;
  return [
    `  openai     ${state(openai, openai.apiKey, 'OPENAI_API_KEY')}`,
    `  github     ${state(github, github.token, 'GITHUB_TOKEN')}`,
    ...others.map((o) => `  ${o.name.padEnd(10)} ${o.enabled ? `on, ${shownUrl(o.url)}` : 'off (enabled: false)'}`),
  ];
}

/** A URL as it may be shown: userinfo (a password, or a token as user name) replaced. */
export function shownUrl(text: string): string {
  try {
    const url = new URL(text);
    if (!url.username && !url.password) return text;
    url.username = 'REDACTED';
    url.password = '';
    return url.toString();
  } catch {
    return text;
  }
}

/** Validates the config through the same path the daemon and the one-shot take, and shows what it resolved to. */
export async function checkConfig(args: CliArgs, io: Io): Promise<number> {
  const { config, source } = await loadSettings(args, io.env);
  const redact = createRedactor(secretsOf(config, io.env));
  const lines = [
    `config OK (${source})`,
    `  target     ${shownUrl(config.target)}`,
    `  service    ${config.service}`,
    `  endpoints  ${config.endpoints.map((e) => `${e.name} ${e.path}`).join(', ')}`,
    `  database   ${config.database.url ? 'configured' : 'not set (database probes will be skipped)'}`,
    `  kubernetes ${config.kubernetes.namespace ?? '(kubeconfig context namespace)'}/${config.kubernetes.deployment} (${config.kubernetes.selector})`,
    `  daemon     port ${config.daemon.port}, every ${formatDuration(config.daemon.interval)}`,
    `  notify     ${config.notify.map((n) => `${n.type}${n.notices ? ' (+ dependency notices)' : ''}`).join(', ') || 'none'}`,
    ...dependencyChecks(config),
  ];
  io.stdout.write(`${redact(lines.join('\n'))}\n`);
  return 0;
}
