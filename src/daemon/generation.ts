/** Everything derived from one configuration: its probe plan and a Runner bound to it. A reload builds a new one. */
import type { HttpResources } from '../clients/http-agent.js';
import type { ProbeMemory, ProbeSpec } from '../../probes/types.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../support/log.js';
import { secretsOf } from '../config/secrets.js';
import { createRedactor, type Redactor } from '../support/redact.js';
import type { Runner } from '../runner/runner.js';
import { runnerFor } from '../runner/from-config.js';
import { planDaemon, type ScheduledProbe } from './plan.js';

/** A redactor whose secrets can be swapped, so the logger built before the first config keeps up with reloads. */
export interface SwitchableRedactor extends Redactor {
  use(config: Config, env: Readonly<Record<string, string | undefined>>): void;
}

export function switchableRedactor(config: Config, env: Readonly<Record<string, string | undefined>>): SwitchableRedactor {
  // Secrets of earlier configs stay redacted too: a log line about the old config must not leak them.
  const seen = new Set(secretsOf(config, env));
  let current = createRedactor([...seen]);
  const redact = ((text: string) => current(text)) as SwitchableRedactor;
  redact.use = (next, nextEnv) => {
    for (const secret of secretsOf(next, nextEnv)) seen.add(secret);
    current = createRedactor([...seen].sort((a, b) => b.length - a.length));
  };
  return redact;
}

export interface GenerationDeps {
  http: HttpResources;
  log: Logger;
  redact: SwitchableRedactor;
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
  /** per-probe memory kept across runs and reloads, so pg_stat_statements deltas and circuit breakers see history */
  memories: Map<string, ProbeMemory>;
}

function memoryFor(memories: Map<string, ProbeMemory>, spec: ProbeSpec): ProbeMemory {
  const key = `${spec.name}|${spec.kind}`;
  let memory = memories.get(key);
  if (!memory) memories.set(key, (memory = new Map<string, unknown>()));
  return memory;
}

/** The same memory, found by the spec itself once known: no key string built and hashed on every run. */
function memoryCache(memories: Map<string, ProbeMemory>): (spec: ProbeSpec) => ProbeMemory {
  const bySpec = new WeakMap<ProbeSpec, ProbeMemory>();
  return (spec) => {
    let memory = bySpec.get(spec);
    if (!memory) bySpec.set(spec, (memory = memoryFor(memories, spec)));
    return memory;
  };
}

export class Generation {
  readonly plan: ScheduledProbe[];
  readonly names: ReadonlySet<string>;
  readonly runner: Runner;

  /** Throws (ConfigError/UsageError) when the config cannot be planned; nothing is changed then. */
  constructor(
    readonly config: Config,
    deps: GenerationDeps,
  ) {
    this.plan = planDaemon(config);
    this.names = new Set(this.plan.map((p) => p.spec.name));
    deps.redact.use(config, deps.env);
    this.runner = runnerFor(config, {
      log: deps.log,
      http: deps.http,
      redact: deps.redact,
      signal: deps.signal,
      memoryFor: memoryCache(deps.memories),
    });
  }
}
