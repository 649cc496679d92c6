/**
 * The scenario table: each scenario's name (part of the contract), what it answers, the probes it plans, the gates it
 * carries, and whether it runs load. The one-shot CLI, `--check-config`, the daemon's plan and the config's checks
 * all read this table. The scenario names are the runbook's sections, so the table sits in the runbook layer and
 * imports nothing: the config schema checks group names against it from below the planner. The probe specs are
 * written against a small planner interface that src/scenarios/plan.ts implements.
 */

/** What a row may ask for; `S` is a probe spec. */
export interface Planner<S> {
  /**
   * one HTTP probe per configured endpoint, each sampling at least `minSamples` times (default: its own samples);
   * `resolveErrorRate`: enough samples over all endpoints to tell 0.5 % from 2 % (the runbook's 1 % band)
   */
  endpoints(options?: { minSamples?: number; skipHealth?: boolean; resolveErrorRate?: boolean }): S[];
  /** the health endpoint alone (or the first endpoint) */
  health(): S;
  kubernetes(...checks: ('pods' | 'endpoints' | 'events' | 'logs' | 'metrics')[]): S;
  database(check: 'connect' | 'long-queries' | 'statements' | 'pool'): S;
  /**
   * the spec judged over the whole run: a baseline before the other probes start, its result after they have all
   * ended (a daemon's repeated runs already compare each run with the previous one)
   */
  overRun(spec: S): S;
  /** OpenAI, GitHub and every `external.others` entry */
  external(): S[];
  prometheus(): S;
  /** the load probe; a scenario only picks its size when neither config nor command line did */
  load(defaultAmount?: number): S;
  /** any registered kind, with params its schema accepts (checked when the plan is built) */
  probe(name: string, kind: string, params: unknown): S;
}

export interface ScenarioRow {
  description: string;
  /** gates the scenario carries unless --threshold or load.thresholds say otherwise: the runbook's numbers */
  thresholds: readonly string[];
  /** plans the load probe: never on a short daemon timer against production */
  load: boolean;
  /** only a daemon group can run it (the daemon's own cheap, frequent set) */
  daemonOnly?: boolean;
  specs<S>(plan: Planner<S>): S[];
}

/** Every cluster, database, provider and Prometheus question: what `full` and the daemon's default group ask. */
function everyDependency<S>(p: Planner<S>): S[] {
  return [
    p.kubernetes('pods', 'endpoints', 'events', 'logs', 'metrics'),
    p.database('connect'),
    p.database('long-queries'),
    p.overRun(p.database('statements')),
    p.database('pool'),
    ...p.external(),
    p.prometheus(),
  ];
}

/**
 * Samples per endpoint where a scenario must tell one endpoint failing from a service-wide error rate: one failed
 * sample is no pattern, and a handful reads a 15 % rate anywhere between 0 and 40 %. Twenty take well under a second
 * against a healthy API and stop early when the budget would not fit another.
 */
const PATTERN_SAMPLES = 20;

/** The daemon's default group: the `errors` scenario's questions asked cheaply and often, no load. */
export const CONTINUOUS = 'continuous';

export const SCENARIO_TABLE = {
  assess: {
    description: 'Initial Response, Step 1: pods, restarts, service endpoints, health',
    thresholds: [],
    load: false,
    specs: (p) => [p.health(), p.kubernetes('pods', 'endpoints')],
  },
  outage: {
    description: 'Scenario 1: health and endpoints, pods/events/logs, database connectivity, image pulls, OOM',
    thresholds: [],
    load: false,
    specs: (p) => [...p.endpoints({ minSamples: PATTERN_SAMPLES }), p.kubernetes('pods', 'endpoints', 'events', 'logs'), p.database('connect')],
  },
  errors: {
    description: 'Scenario 2: sampled endpoint error rates, log signatures, long-running queries, OpenAI/GitHub',
    thresholds: [],
    load: false,
    specs: (p) => [
      ...p.endpoints({ minSamples: 10, resolveErrorRate: true }),
      p.kubernetes('logs', 'events'),
      p.database('long-queries'),
      ...p.external(),
      p.prometheus(),
    ],
  },
  latency: {
    description: 'Scenario 3: health, load probe like `ab -n 100 -c 10 /v1/papers?limit=10`, pg_stat_statements, pool, CPU',
    thresholds: [],
    load: true,
    // the Initial Response's health check too: without it a dead API could read no worse than P1 (error rate)
    // pg_stat_statements is judged on what ran while the load did, never on all-time history
    specs: (p) => [p.health(), p.load(), p.overRun(p.database('statements')), p.database('pool'), p.kubernetes('metrics')],
  },
  endpoint: {
    description: 'Scenario 4: each endpoint alone, and the health check that tells one endpoint from the whole API',
    thresholds: [],
    load: false,
    specs: (p) => [...p.endpoints({ minSamples: PATTERN_SAMPLES, skipHealth: true }), p.health()],
  },
  verify: {
    description: 'Post-Incident Step 1: error rate < 1 %, p95 < 300 ms, pods ready, no restarts',
    thresholds: ['error_rate<0.01', 'p(95)<300'],
    load: true,
    specs: (p) => [...p.endpoints({ minSamples: 5, resolveErrorRate: true }), p.load(100), p.kubernetes('pods', 'endpoints')],
  },
  smoke: {
    description: 'Pre-Deployment Checklist: health, endpoints, a short latency run, thresholds',
    thresholds: ['p(95)<500', 'error_rate<0.01'],
    load: true,
    specs: (p) => [...p.endpoints({ minSamples: 3 }), p.load(50)],
  },
  full: {
    description: 'everything that is configured',
    thresholds: [],
    load: true,
    specs: (p) => [...p.endpoints({ minSamples: 10 }), p.load(), ...everyDependency(p)],
  },
  [CONTINUOUS]: {
    description:
      "the daemon's default group: every endpoint at its own sample rate, Kubernetes, database, external dependencies, Prometheus; no load",
    thresholds: [],
    load: false,
    daemonOnly: true,
    specs: (p) => [...p.endpoints(), ...everyDependency(p)],
  },
} as const satisfies Record<string, ScenarioRow>;

/** Rows added at run time by code outside this build (a test's own probe kind); they never shadow a built-in row. */
const added = new Map<string, ScenarioRow>();

export function registerScenario(name: string, row: ScenarioRow): void {
  if (Object.hasOwn(SCENARIO_TABLE, name) || added.has(name)) throw new Error(`scenario "${name}" is defined twice`);
  added.set(name, row);
}

export function scenarioRow(name: string): ScenarioRow | undefined {
  return Object.hasOwn(SCENARIO_TABLE, name) ? (SCENARIO_TABLE as Record<string, ScenarioRow>)[name] : added.get(name);
}

/** A scenario a daemon group may name: every scenario, and the daemon-only ones. */
export function isGroupName(name: string): boolean {
  return scenarioRow(name) !== undefined;
}

/** A scenario the one-shot CLI runs. */
export function isScenarioName(name: string): boolean {
  const row = scenarioRow(name);
  return row !== undefined && !row.daemonOnly;
}

export function scenarioNames(): string[] {
  return [...Object.keys(SCENARIO_TABLE), ...added.keys()].filter(isScenarioName);
}

/** Name → description of the one-shot scenarios, for --help. */
export function scenarioDescriptions(): [name: string, description: string][] {
  return scenarioNames().map((n) => [n, scenarioRow(n)!.description]);
}

/** Scenarios whose plan includes the load probe. */
export function runsLoad(name: string): boolean {
  return scenarioRow(name)?.load ?? false;
}
