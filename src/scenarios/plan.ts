/** A scenario row → the probe specs for one configuration, each checked against its kind's params schema. */
import type { Config } from '../config/schema.js';
import { healthEndpointOf, type EndpointConfig } from '../model/settings/endpoint.js';
import { UsageError } from '../model/errors.js';
import { parseThreshold } from '../model/thresholds.js';
import type { ShardId } from '../model/shard.js';
import { planLoad, PROBE_KINDS } from '../../probes/registry.js';
import type { ProbeSpec } from '../../probes/types.js';
import { isScenarioName, runsLoad, scenarioNames, scenarioRow, type Planner } from '../runbook/scenarios.js';

export { isScenarioName, scenarioDescriptions } from '../runbook/scenarios.js';

export interface LoadOverrides {
  connections?: number;
  amount?: number;
  durationMs?: number;
  rate?: number;
}

export interface ScenarioOptions {
  load?: LoadOverrides;
  /** --threshold values; when given they replace the scenario's and the config's thresholds */
  thresholds?: string[];
  /** --timeout: every probe's budget */
  timeoutMs?: number;
  /**
   * Planned for the daemon's repeated runs: endpoints sample at their own rate (the rolling window, not the run,
   * does the error-rate and p95 arithmetic) and load runs off the event loop.
   */
  daemon?: boolean;
  /**
   * One shard of a sharded load run: only the scenario's load probe runs (its share of the load); the health,
   * database and cluster checks belong to one process, not to each of N.
   */
  shard?: ShardId;
  /** a daemon group's `shards: N`: the load probe runs N shards in worker threads and merges them */
  loadShards?: number;
}

export interface ScenarioPlan {
  name: string;
  specs: ProbeSpec[];
  thresholds: string[];
}

/**
 * Samples over all endpoints that resolve the runbook's 1 % band: at 600, a 2 % rate's 95 % Wilson interval
 * (1.1–3.5 %) lies above 1 % and a 0.5 % rate's below 1.5 %. They are taken a few at a time (RATE_CONCURRENCY over
 * all endpoints) and stop when the budget would not fit another, so a slow API gets fewer, not abandoned ones.
 */
const RATE_SAMPLES = 600;
const RATE_CONCURRENCY = 3;
/** the endpoint schema's own ceiling for `samples` */
const MAX_SAMPLES = 1000;

function planner(config: Config, options: ScenarioOptions, thresholds: readonly string[]): Planner<ProbeSpec> {
  const all = config.endpoints as EndpointConfig[];
  const http = (endpoint: EndpointConfig, samples?: number, concurrency?: number): ProbeSpec => ({
    name: endpoint.name,
    kind: 'http',
    params: {
      target: config.target,
      endpoint,
      passBelowErrorRate: config.severity.errorRate.P3,
      ...(samples ? { samples } : {}),
      ...(concurrency && concurrency > 1 ? { concurrency } : {}),
    },
  });
  const health = (): EndpointConfig => healthEndpointOf(all)!;
  return {
    endpoints: ({ minSamples, skipHealth, resolveErrorRate } = {}) => {
      const chosen = skipHealth ? all.filter((e) => e !== health()) : all;
      const list = chosen.length > 0 ? chosen : all;
      // the daemon's window does the counting; a one-shot must count enough itself
      if (options.daemon) return list.map((e) => http(e));
      const share = resolveErrorRate ? Math.ceil(RATE_SAMPLES / list.length) : 0;
      const concurrency = resolveErrorRate ? Math.max(1, Math.floor(RATE_CONCURRENCY / list.length)) : 1;
      return list.map((e) => http(e, Math.min(MAX_SAMPLES, Math.max(e.samples, minSamples ?? 0, share)), concurrency));
    },
    health: () => http(health()),
    kubernetes: (...checks) => ({ name: 'kubernetes', kind: 'kubernetes', params: { checks } }),
    database: (check) => ({ name: `db-${check}`, kind: 'postgres', params: { check } }),
    overRun: (spec) => (options.daemon ? spec : { ...spec, window: 'run' }),
    external: () => [
      { name: 'openai', kind: 'external', params: { dependency: 'openai' } },
      { name: 'github', kind: 'external', params: { dependency: 'github' } },
      ...config.external.others.map((o) => ({ name: o.name, kind: 'external', params: { dependency: o.name } })),
    ],
    prometheus: () => ({ name: 'prometheus', kind: 'prometheus', params: {} }),
    probe: (name, kind, params) => ({ name, kind, params }),
    load: (defaultAmount) => {
      // config and command line decide the size; the scenario only picks one when nobody did (smoke 50, verify 100)
      const cli = options.load ?? {};
      const sized = cli.amount ?? cli.durationMs ?? config.load.amount ?? config.load.duration;
      const overrides = { ...cli, thresholds, ...(sized === undefined && defaultAmount !== undefined ? { amount: defaultAmount } : {}) };
      const { params, timeoutMs } = planLoad(config, {
        ...overrides,
        ...(options.daemon ? { offThread: true } : {}),
        ...(options.shard ? { shard: options.shard } : {}),
      });
      if (options.loadShards !== undefined) params.shards = options.loadShards;
      return { name: 'load', kind: 'load', params, timeoutMs: options.timeoutMs ?? timeoutMs };
    },
  };
}

/**
 * Every spec's params must satisfy its kind's schema: a bad plan is a usage error before any probe runs. A row that
 * asks for the same probe twice (the health check beside every endpoint, where health is the only one) gets it once.
 */
function checked(all: readonly ProbeSpec[]): ProbeSpec[] {
  const seen = new Set<string>();
  // a set, not a search per spec: at 20,000 endpoints that search was 200 million comparisons per plan
  const specs = all.filter((spec) => !seen.has(spec.name) && seen.add(spec.name));
  for (const spec of specs) {
    const kind = PROBE_KINDS.get(spec.kind);
    const problem = kind ? kind.check(spec.params) : `probe kind "${spec.kind}" is not registered`;
    if (problem) throw new UsageError('RP_ERR_CONFIG_INVALID', `probe ${spec.name}: ${problem}`);
  }
  return [...specs];
}

/** The specs of any table row, for a one-shot run or a daemon group. */
export function planSpecs(name: string, config: Config, options: ScenarioOptions = {}, thresholds: readonly string[] = []): ProbeSpec[] {
  const row = scenarioRow(name);
  if (!row) throw new UsageError('RP_ERR_UNKNOWN_SCENARIO', `unknown scenario "${name}"`);
  return checked(row.specs(planner(config, options, thresholds)));
}

export function planScenario(name: string, config: Config, options: ScenarioOptions = {}): ScenarioPlan {
  if (!isScenarioName(name)) {
    throw new UsageError('RP_ERR_UNKNOWN_SCENARIO', `unknown scenario "${name}" (expected one of: ${scenarioNames().join(', ')})`);
  }
  const chosen = options.thresholds?.length ? [...options.thresholds] : config.load.thresholds.length ? [...config.load.thresholds] : null;
  const thresholds: string[] = chosen ?? [...(scenarioRow(name)?.thresholds ?? [])];
  // A malformed threshold is a usage error now, not a failed run later.
  for (const expr of thresholds) parseThreshold(expr);
  let specs = planSpecs(name, config, options, thresholds);
  if (options.shard) {
    specs = specs.filter((s) => s.kind === 'load');
    if (specs.length === 0)
      throw new UsageError('RP_ERR_USAGE', `--shard: scenario "${name}" runs no load probe (one of: ${scenarioNames().filter(runsLoad).join(', ')})`);
  }
  if (options.timeoutMs !== undefined) specs = specs.map((s) => ({ ...s, timeoutMs: options.timeoutMs }));
  return { name, specs, thresholds };
}
