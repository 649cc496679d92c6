/** Config → the probes the daemon schedules, each with its own interval or cron; the groups name scenario-table rows. */
import type { Config } from '../config/schema.js';
import { planScenario, planSpecs } from '../scenarios/plan.js';
import { isScenarioName } from '../runbook/scenarios.js';
import type { ProbeSpec } from '../../probes/types.js';

export type Schedule = { everyMs: number } | { cron: string };

export interface ScheduledProbe {
  spec: ProbeSpec;
  schedule: Schedule;
  /** the group's scenario, for logs */
  group: string;
}

function groupSpecs(name: string, config: Config, shards: number | undefined): ProbeSpec[] {
  const options = { daemon: true, ...(shards !== undefined && shards > 1 ? { loadShards: shards } : {}) };
  // a scenario keeps its thresholds (the load probe stops early on them); daemon-only rows have none
  return isScenarioName(name) ? planScenario(name, config, options).specs : planSpecs(name, config, options);
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
    for (const spec of groupSpecs(group.scenario, config, group.shards)) {
      const taken = planned.get(spec.name);
      if (taken && sameSpec(taken.spec, spec)) continue;
      const name = taken ? `${spec.name}-${group.scenario}` : spec.name;
      if (planned.has(name)) continue;
      planned.set(name, { spec: { ...spec, name }, schedule, group: group.scenario });
    }
  }
  return [...planned.values()];
}

/** Runs per second the interval schedules make (cron groups, minutes apart at the least, add next to nothing). */
export function probesPerSecond(plan: readonly ScheduledProbe[]): number {
  return plan.reduce((sum, p) => sum + ('everyMs' in p.schedule ? 1000 / p.schedule.everyMs : 0), 0);
}
