/** Builds what a probe needs to run in a unit test, with real HTTP clients and a config from YAML text. */
import { HttpResources } from '../../src/clients/http-agent.js';
import type { RunContext } from '../../probes/types.js';
import { parseConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { findingBuilderFor } from '../../src/runbook/fill.js';
import { silentLogger } from '../../src/support/log.js';
import { secretsOf } from '../../src/config/secrets.js';
import { createRedactor } from '../../src/support/redact.js';

export function testConfig(yamlText = '', env: Record<string, string> = {}): Config {
  return parseConfigText(yamlText, 'test.yaml', { env });
}

export interface TestContext extends RunContext {
  close(): Promise<void>;
}

export function testContext(config: Config, options: { timeoutMs?: number; signal?: AbortSignal } = {}): TestContext {
  const http = new HttpResources();
  const timeoutMs = options.timeoutMs ?? 5_000;
  return {
    signal: options.signal ?? AbortSignal.timeout(timeoutMs),
    timeoutMs,
    sections: config,
    target: config.target,
    raise: findingBuilderFor(config),
    log: silentLogger(),
    http,
    memory: new Map(),
    redact: createRedactor(secretsOf(config)),
    close: () => http.close(),
  };
}
