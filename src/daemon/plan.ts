/** Config → the probes the daemon schedules, each with its own interval or cron. */
import type { Config } from '../config/schema.js';
import { CONTINUOUS } from '../config/sections/daemon.js';
import type { EndpointConfig } from '../config/sections/http.js';
import { planScenario } from '../scenarios/table.js';
import type { ProbeSpec } from '../../probes/types.js';

export type Schedule = { everyMs: number } | { cron: string };

export interface ScheduledProbe {
  spec: ProbeSpec;
  schedule: Schedule;
  /** the group's scenario, for logs */
  group: string;
}

/**
 * The continuous checks: the `errors` scenario's questions asked cheaply and often. Each endpoint takes its own
 * `samples` (1 by default) per run; the rolling window, not the run, does the error-rate and p95 arithmetic.
 */
function continuousSpecs(config: Config): ProbeSpec[] {
  const db = (check: string): ProbeSpec => ({ name: `db-${check}`, kind: 'postgres', params: { check } });
  return [
    ...(config.endpoints as EndpointConfig[]).map((endpoint) => ({ name: endpoint.name, kind: 'http', params: { target: config.target, endpoint } })),
    { name: 'kubernetes', kind: 'kubernetes', params: { checks: ['pods', 'endpoints', 'events', 'logs', 'metrics'] } },
    db('connect'),
    db('long-queries'),
    db('statements'),
    db('pool'),
    { name: 'openai', kind: 'external', params: { dependency: 'openai' } },
    { name: 'github', kind: 'external', params: { dependency: 'github' } },
    ...config.external.others.map((o) => ({ name: o.name, kind: 'external', params: { dependency: o.name } })),
    { name: 'prometheus', kind: 'prometheus', params: {} },
  ];
}

/** Scenario specs adapted to repeated runs: endpoints sample at their own rate, load runs off the event loop. */
function forDaemon(spec: ProbeSpec): ProbeSpec {
  if (spec.kind === 'http') {
    const { samples: _samples, ...params } = spec.params as { samples?: number };
    return { ...spec, params };
  }
  if (spec.kind === 'load') return { ...spec, params: { ...(spec.params as object), offThread: true } };
  return spec;
}

const sameSpec = (a: ProbeSpec, b: ProbeSpec): boolean => a.kind === b.kind && JSON.stringify(a.params) === JSON.stringify(b.params);

/**
 * One entry per probe name. A probe two groups both plan identically runs once, on the first group's schedule;
 * a different probe under a taken name gets the group's scenario as a suffix (`kubernetes-latency`).
 */
export function planDaemon(config: Config): ScheduledProbe[] {
  const planned = new Map<string, ScheduledProbe>();
  for (const group of config.daemon.groups) {
    const schedule: Schedule = group.cron !== undefined ? { cron: group.cron } : { everyMs: group.interval ?? config.daemon.interval };
    const specs = group.scenario === CONTINUOUS ? continuousSpecs(config) : planScenario(group.scenario, config).specs.map(forDaemon);
    for (const spec of specs) {
      const taken = planned.get(spec.name);
      if (taken && sameSpec(taken.spec, spec)) continue;
      const name = taken ? `${spec.name}-${group.scenario}` : spec.name;
      if (planned.has(name)) continue;
      planned.set(name, { spec: { ...spec, name }, schedule, group: group.scenario });
    }
  }
  return [...planned.values()];
}
