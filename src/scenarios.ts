/** Scenario name → the probes that answer the runbook section's questions. Names are part of the contract. */
import type { Config } from './config/schema.js';
import type { EndpointConfig } from './config/sections/http.js';
import { UsageError } from './errors.js';
import type { ProbeSpec } from '../probes/types.js';

export const SCENARIOS = {
  assess: 'Initial Response, Step 1: pods, restarts, service endpoints, health',
  outage: 'Scenario 1: health and endpoints, pods/events/logs, database connectivity, image pulls, OOM',
  errors: 'Scenario 2: sampled endpoint error rates, log signatures, long-running queries, OpenAI/GitHub',
  latency: 'Scenario 3: load probe like `ab -n 100 -c 10 /v1/papers?limit=10`, pg_stat_statements, pool, CPU',
  endpoint: 'Scenario 4: each endpoint alone',
  verify: 'Post-Incident Step 1: error rate < 1 %, p95 < 300 ms, pods ready, no restarts',
  smoke: 'Pre-Deployment Checklist: health, endpoints, a short latency run, thresholds',
  full: 'everything that is configured',
} as const;

export type ScenarioName = keyof typeof SCENARIOS;

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

function loadSpec(config: Config, overrides: LoadOverrides, defaults: LoadOverrides, timeoutMs: number | undefined): ProbeSpec {
  const endpoint = endpointsOf(config).find((e) => e.name === config.load.endpoint);
  if (!endpoint) {
    throw new UsageError('RP_ERR_CONFIG_INVALID', `load.endpoint: no endpoint named "${config.load.endpoint}" (have: ${config.endpoints.map((e) => e.name).join(', ')})`);
  }
  const durationMs = overrides.durationMs ?? (overrides.amount === undefined ? config.load.duration ?? defaults.durationMs : undefined);
  const amount = overrides.amount ?? (durationMs === undefined ? config.load.amount ?? defaults.amount ?? 100 : undefined);
  const params = {
    target: config.target,
    requests: [{ path: endpoint.path, method: endpoint.method, headers: { ...endpoint.headers }, ...(typeof endpoint.body === 'string' ? { body: endpoint.body } : endpoint.body ? { body: JSON.stringify(endpoint.body) } : {}) }],
    connections: overrides.connections ?? defaults.connections ?? config.load.connections,
    ...(amount !== undefined ? { amount } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...((overrides.rate ?? config.load.rate) !== undefined ? { rate: overrides.rate ?? config.load.rate } : {}),
    timeoutMs: config.load.timeout,
    abortOnErrorRate: config.load.abortOnErrorRate,
    abortMinSamples: config.load.abortMinSamples,
  };
  // A load run is allowed as long as it takes plus its request timeout; an explicit --timeout still wins.
  const budget = timeoutMs ?? (durationMs ?? 60_000) + config.load.timeout + 5_000;
  return { name: 'load', kind: 'load', params, timeoutMs: budget };
}

const db = (check: 'connect' | 'long-queries' | 'statements' | 'pool'): ProbeSpec => ({ name: `db-${check}`, kind: 'postgres', params: { check } });
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
  let specs: ProbeSpec[];
  let thresholds: string[] = [];
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
      specs = [loadSpec(config, load, {}, options.timeoutMs), db('statements'), db('pool'), k8s('metrics')];
      break;
    case 'endpoint':
      specs = all.filter((e) => e !== healthOnly(config)[0]).map((e) => httpSpec(config, e, Math.max(e.samples, 3)));
      if (specs.length === 0) specs = all.map((e) => httpSpec(config, e, Math.max(e.samples, 3)));
      break;
    case 'verify':
      specs = [...all.map((e) => httpSpec(config, e, Math.max(e.samples, 5))), loadSpec(config, load, { amount: 100, connections: 10 }, options.timeoutMs), k8s('pods', 'endpoints')];
      thresholds = ['error_rate<0.01', 'p(95)<300'];
      break;
    case 'smoke':
      specs = [...all.map((e) => httpSpec(config, e)), loadSpec(config, load, { amount: 50, connections: 5 }, options.timeoutMs)];
      thresholds = ['p(95)<500', 'error_rate<0.01'];
      break;
    case 'full':
      specs = [
        ...all.map((e) => httpSpec(config, e, Math.max(e.samples, 10))),
        loadSpec(config, load, {}, options.timeoutMs),
        k8s('pods', 'endpoints', 'events', 'logs', 'metrics'),
        db('connect'), db('long-queries'), db('statements'), db('pool'),
        ...external(config),
        prometheus,
      ];
      break;
  }
  if (options.timeoutMs !== undefined) specs = specs.map((s) => ({ ...s, timeoutMs: options.timeoutMs }));
  if (options.thresholds?.length) thresholds = [...options.thresholds];
  else if (config.load.thresholds.length) thresholds = [...config.load.thresholds];
  return { name, specs, thresholds };
}
