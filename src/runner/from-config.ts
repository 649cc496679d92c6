/** The one place a Runner is wired to a configuration: every registered kind, one finding builder bound per run. */
import type { HttpResources } from '../clients/http-agent.js';
import { PROBE_KINDS } from '../../probes/registry.js';
import type { ProbeMemory, ProbeSpec, ProgressEvent } from '../../probes/types.js';
import type { Config } from '../config/schema.js';
import { findingBuilderFor } from '../runbook/fill.js';
import type { Logger } from '../support/log.js';
import type { Redactor } from '../support/redact.js';
import { Runner } from './runner.js';

export interface RunnerDeps {
  log: Logger;
  http: HttpResources;
  redact: Redactor;
  signal?: AbortSignal;
  progress?: (event: ProgressEvent) => void;
  memoryFor?: (spec: ProbeSpec) => ProbeMemory;
}

export function runnerFor(config: Config, deps: RunnerDeps): Runner {
  const { log, http, redact, signal, progress, memoryFor } = deps;
  return new Runner({
    kinds: PROBE_KINDS,
    base: { sections: config, target: config.target, log, http, redact, raise: findingBuilderFor(config), ...(progress ? { progress } : {}) },
    defaultTimeoutMs: config.timeout,
    ...(signal ? { signal } : {}),
    ...(memoryFor ? { memoryFor } : {}),
  });
}
