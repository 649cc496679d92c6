/** Scenario name → the probes that answer the runbook section's questions. Names are part of the contract. */
import type { Config } from '../config/schema.js';
import type { EndpointConfig } from '../config/sections/http.js';
import { UsageError } from '../model/errors.js';
import { parseThreshold } from '../model/thresholds.js';
import { checkLoadGuardrails } from '../../probes/load/guardrails.js';
import { loadParamsFromConfig, suggestedLoadTimeoutMs } from '../../probes/load/params.js';
import type { ProbeSpec } from '../../probes/types.js';

export const SCENARIOS = {
  assess: 'Initial Response, Step 1: pods, restarts, service endpoints, health',
  outage: 'Scenario 1: health and endpoints, pods/events/logs, database connectivity, image pulls, OOM',
  errors: 'Scenario 2: sampled endpoint error rates, log signatures, long-running queries, OpenAI/GitHub',
  latency: 'Scenario 3: health, load probe like `ab -n 100 -c 10 /v1/papers?limit=10`, pg_stat_statements, pool, CPU',
  endpoint: 'Scenario 4: each endpoint alone',
  verify: 'Post-Incident Step 1: error rate < 1 %, p95 < 300 ms, pods ready, no restarts',
  smoke: 'Pre-Deployment Checklist: health, endpoints, a short latency run, thresholds',
  full: 'everything that is configured',
} as const;

export type ScenarioName = keyof typeof SCENARIOS;

/** Gates a scenario carries unless --threshold or load.thresholds say otherwise: the runbook's numbers. */
const SCENARIO_THRESHOLDS: Partial<Record<ScenarioName, string[]>> = {
  verify: ['error_rate<0.01', 'p(95)<300'],
  smoke: ['p(95)<500', 'error_rate<0.01'],
};

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
}

export interface ScenarioPlan {
  name: ScenarioName;
  specs: ProbeSpec[];
  thresholds: string[];
}

export function isScenarioName(name: string): name is ScenarioName {
  return Object.hasOwn(SCENARIOS, name);
}

function httpSpec(config: Config, endpoint: EndpointConfig, samples?: number): ProbeSpec {
  return { name: endpoint.name, kind: 'http', params: { target: config.target, endpoint, ...(samples ? { samples } : {}) } };
}

function endpointsOf(config: Config): EndpointConfig[] {
  return config.endpoints as EndpointConfig[];
}

function healthOnly(config: Config): EndpointConfig[] {
  const health = endpointsOf(config).find((e) => e.name === 'health' || e.path.startsWith('/health'));
  return [health ?? endpointsOf(config)[0]!];
}

/**
 * The load probe for a scenario: config and command line decide, the scenario only picks a size when nobody did
 * (smoke runs 50 requests, verify 100). Guardrails are checked here so a bad request exits 2 before any traffic.
 */
function loadSpec(config: Config, cli: LoadOverrides, defaultAmount: number | undefined, timeoutMs: number | undefined, thresholds: readonly string[]): ProbeSpec {
  const sized = cli.amount ?? cli.durationMs ?? config.load.amount ?? config.load.duration;
  const overrides = { ...cli, thresholds, ...(sized === undefined && defaultAmount !== undefined ? { amount: defaultAmount } : {}) };
  const params = loadParamsFromConfig(config, overrides);
  checkLoadGuardrails(
    { connections: params.connections, rate: params.rate, durationMs: params.durationMs, amount: params.amount },
    config.load.caps,
    new URL(params.target),
    config.load.allowedHosts,
    config.target,
  );
  return { name: 'load', kind: 'load', params, timeoutMs: timeoutMs ?? suggestedLoadTimeoutMs(params) };
}

const db = (check: 'connect' | 'long-queries' | 'statements' | 'pool'): ProbeSpec => ({ name: `db-${check}`, kind: 'postgres', params: { check } });
/** pg_stat_statements is judged on what ran while the scenario's load did, never on all-time history. */
const dbStatements: ProbeSpec = { ...db('statements'), window: 'run' };
const k8s = (...checks: string[]): ProbeSpec => ({ name: 'kubernetes', kind: 'kubernetes', params: { checks } });
const external = (config: Config): ProbeSpec[] => [
  { name: 'openai', kind: 'external', params: { dependency: 'openai' } },
  { name: 'github', kind: 'external', params: { dependency: 'github' } },
  ...config.external.others.map((o) => ({ name: o.name, kind: 'external', params: { dependency: o.name } })),
];
const prometheus: ProbeSpec = { name: 'prometheus', kind: 'prometheus', params: {} };

export function planScenario(name: string, config: Config, options: ScenarioOptions = {}): ScenarioPlan {
  if (!isScenarioName(name)) {
    throw new UsageError('RP_ERR_UNKNOWN_SCENARIO', `unknown scenario "${name}" (expected one of: ${Object.keys(SCENARIOS).join(', ')})`);
  }
  const load = options.load ?? {};
  const all = endpointsOf(config);
  const chosen = options.thresholds?.length ? [...options.thresholds] : config.load.thresholds.length ? [...config.load.thresholds] : null;
  const thresholds: string[] = chosen ?? SCENARIO_THRESHOLDS[name] ?? [];
  // A malformed threshold is a usage error now, not a failed run later.
  for (const expr of thresholds) parseThreshold(expr);
  const loadFor = (defaultAmount?: number): ProbeSpec => loadSpec(config, load, defaultAmount, options.timeoutMs, thresholds);
  let specs: ProbeSpec[];
  switch (name) {
    case 'assess':
      specs = [...healthOnly(config).map((e) => httpSpec(config, e)), k8s('pods', 'endpoints')];
      break;
    case 'outage':
      specs = [...all.map((e) => httpSpec(config, e)), k8s('pods', 'endpoints', 'events', 'logs'), db('connect')];
      break;
    case 'errors':
      specs = [...all.map((e) => httpSpec(config, e, Math.max(e.samples, 10))), k8s('logs', 'events'), db('long-queries'), ...external(config), prometheus];
      break;
    case 'latency':
      // the Initial Response's health check too: without it a dead API could read no worse than P1 (error rate)
      specs = [...healthOnly(config).map((e) => httpSpec(config, e)), loadFor(), dbStatements, db('pool'), k8s('metrics')];
      break;
    case 'endpoint':
      specs = all.filter((e) => e !== healthOnly(config)[0]).map((e) => httpSpec(config, e, Math.max(e.samples, 3)));
      if (specs.length === 0) specs = all.map((e) => httpSpec(config, e, Math.max(e.samples, 3)));
      break;
    case 'verify':
      specs = [...all.map((e) => httpSpec(config, e, Math.max(e.samples, 5))), loadFor(100), k8s('pods', 'endpoints')];
      break;
    case 'smoke':
      specs = [...all.map((e) => httpSpec(config, e)), loadFor(50)];
      break;
    case 'full':
      specs = [
        ...all.map((e) => httpSpec(config, e, Math.max(e.samples, 10))),
        loadFor(),
        k8s('pods', 'endpoints', 'events', 'logs', 'metrics'),
        db('connect'), db('long-queries'), dbStatements, db('pool'),
        ...external(config),
        prometheus,
      ];
      break;
  }
  if (options.timeoutMs !== undefined) specs = specs.map((s) => ({ ...s, timeoutMs: options.timeoutMs }));
  return { name, specs, thresholds };
}
