/** Config → sinks, each with a stable id used by the outbox, metrics labels and escalation routes. */
import type { SinkConfig } from '../../config/sections/notify.js';
import { alertmanagerSink } from './alertmanager.js';
import { logSink } from './log.js';
import { pagerDutySink } from './pagerduty.js';
import { slackSink } from './slack.js';
import type { Sink } from '../types.js';
import { webhookSink } from './webhook.js';
import type { Severity } from '../../model/types.js';

function build(id: string, config: Readonly<SinkConfig>): Sink {
  switch (config.type) {
    case 'log':
      return logSink(id, config);
    case 'webhook':
      return webhookSink(id, config);
    case 'slack':
      return slackSink(id, config);
    case 'pagerduty':
      return pagerDutySink(id, config);
    case 'alertmanager':
      return alertmanagerSink(id, config);
  }
}

/** Ids: the configured name, else the type, else type-N when a type repeats (N counts from 1 in config order). */
export function sinkIds(configs: readonly Readonly<SinkConfig>[]): string[] {
  const perType = new Map<string, number>();
  for (const c of configs) perType.set(c.type, (perType.get(c.type) ?? 0) + 1);
  const seen = new Map<string, number>();
  const used = new Set<string>();
  return configs.map((c) => {
    const n = (seen.get(c.type) ?? 0) + 1;
    seen.set(c.type, n);
    let id = c.name ?? ((perType.get(c.type) ?? 0) > 1 ? `${c.type}-${n}` : c.type);
    while (used.has(id)) id = `${id}-${n}`;
    used.add(id);
    return id;
  });
}

export function buildSinks(configs: readonly Readonly<SinkConfig>[]): Sink[] {
  const ids = sinkIds(configs);
  return configs.map((config, i) => Object.assign(build(ids[i]!, config), { notices: config.notices }));
}

const RANK: Record<Severity, number> = { P0: 0, P1: 1, P2: 2, P3: 3 };

/** P0 is the most severe: a sink with minSeverity P1 takes P0 and P1. */
export function atLeast(severity: Severity, min: Severity): boolean {
  return RANK[severity] <= RANK[min];
}

export function worse(a: Severity, b: Severity): Severity {
  return RANK[a] <= RANK[b] ? a : b;
}
