/** What every command that runs probes needs: config, logger, HTTP clients, redaction — built once, closed once. */
import { HttpResources } from '../clients/http-agent.js';
import type { ProgressEvent } from '../../probes/types.js';
import type { Config } from '../config/schema.js';
import { createLogger, type Logger } from '../support/log.js';
import { secretsOf } from '../config/secrets.js';
import { createRedactor, type Redactor } from '../support/redact.js';
import type { Runner } from '../runner/runner.js';
import { runnerFor } from '../runner/from-config.js';

export interface ProbeEnvironment {
  config: Config;
  log: Logger;
  http: HttpResources;
  redact: Redactor;
  runner: Runner;
  close(): Promise<void>;
}

export function probeEnvironment(
  config: Config,
  options: { logLevel?: string; signal?: AbortSignal; progress?: (e: ProgressEvent) => void; log?: Logger },
): ProbeEnvironment {
  const redact = createRedactor(secretsOf(config, process.env));
  const log = options.log ?? createLogger({ level: options.logLevel ?? 'warn', redact });
  const http = new HttpResources();
  const runner = runnerFor(config, {
    log,
    http,
    redact,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.progress ? { progress: options.progress } : {}),
  });
  return { config, log, http, redact, runner, close: () => http.close() };
}
