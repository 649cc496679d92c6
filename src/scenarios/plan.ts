/** A scenario row → the probe specs for one configuration, each checked against its kind's params schema. */
import type { Config } from '../config/schema.js';
import type { EndpointConfig } from '../model/settings/endpoint.js';
import { UsageError } from '../model/errors.js';
import { parseThreshold } from '../model/thresholds.js';
import { planLoad, PROBE_KINDS } from '../../probes/registry.js';
import type { ProbeSpec } from '../../probes/types.js';
import { isScenarioName, scenarioNames, scenarioRow, type Planner } from '../runbook/scenarios.js';

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
}

export interface ScenarioPlan {
  name: string;
  specs: ProbeSpec[];
  thresholds: string[];
}

function planner(config: Config, options: ScenarioOptions, thresholds: readonly string[]): Planner<ProbeSpec> {
  const all = config.endpoints as EndpointConfig[];
  const http = (endpoint: EndpointConfig, samples?: number): ProbeSpec => ({
    name: endpoint.name,
    kind: 'http',
    params: { target: config.target, endpoint, ...(samples ? { samples } : {}) },
  });
  const health = (): EndpointConfig => all.find((e) => e.name === 'health' || e.path.startsWith('/health')) ?? all[0]!;
  return {
    endpoints: ({ minSamples, skipHealth } = {}) => {
      const sized = (e: EndpointConfig): ProbeSpec =>
        http(e, minSamples === undefined || options.daemon ? undefined : Math.max(e.samples, minSamples));
      const chosen = skipHealth ? all.filter((e) => e !== health()) : all;
      return (chosen.length > 0 ? chosen : all).map(sized);
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
      const { params, timeoutMs } = planLoad(config, { ...overrides, ...(options.daemon ? { offThread: true } : {}) });
      return { name: 'load', kind: 'load', params, timeoutMs: options.timeoutMs ?? timeoutMs };
    },
  };
}

/** Every spec's params must satisfy its kind's schema: a bad plan is a usage error before any probe runs. */
function checked(specs: readonly ProbeSpec[]): ProbeSpec[] {
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
  if (options.timeoutMs !== undefined) specs = specs.map((s) => ({ ...s, timeoutMs: options.timeoutMs }));
  return { name, specs, thresholds };
}
