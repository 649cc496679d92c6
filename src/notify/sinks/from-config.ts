/** Config → sinks, each with a stable id used by the outbox, metrics labels and escalation routes. */
import type { SinkConfig } from '../../config/sections/notify.js';
import { alertmanagerSink } from './alertmanager.js';
import { logSink } from './log.js';
import { pagerDutySink } from './pagerduty.js';
import { slackSink } from './slack.js';
import type { Sink } from '../types.js';
import { webhookSink } from './webhook.js';

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
  return configs.map((config, i) => ({ ...build(ids[i], config), timeoutMs: config.timeout, notices: config.notices }));
}
