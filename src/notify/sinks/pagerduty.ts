/** PagerDuty Events API v2: trigger (open/update/escalate) and resolve, deduplicated by incident id. */
import type { SinkConfig } from '../../config/sections/notify.js';
import type { Severity } from '../../model/types.js';
import { postJson } from './http-post.js';
import type { DeliveryResult, Notification, Sink, SinkContext } from '../types.js';

type PagerDutySinkConfig = Extract<SinkConfig, { type: 'pagerduty' }>;

export const PAGERDUTY_SEVERITY: Record<Severity, 'critical' | 'error' | 'warning' | 'info'> = {
  P0: 'critical',
  P1: 'error',
  P2: 'warning',
  P3: 'info',
};

export function pagerDutyEvent(n: Notification, routingKey: string): Record<string, unknown> {
  const base = { routing_key: routingKey, dedup_key: n.incidentId };
  if (n.kind === 'resolve') return { ...base, event_action: 'resolve' };
  const summary = n.escalation ? `[escalated to ${n.escalation.to}] ${n.title}` : n.title;
  return {
    ...base,
    event_action: 'trigger',
    payload: {
      summary: summary.slice(0, 1024),
      severity: PAGERDUTY_SEVERITY[n.severity],
      source: n.service,
      component: n.family,
      group: n.service,
      class: n.findings[0]?.cause ?? n.family,
      timestamp: n.startedAt,
      custom_details: { ...n.fields, incident: n.incidentId, event: n.eventId, findings: n.findings, escalation: n.escalation },
    },
    ...(/^https?:\/\//.test(n.url) ? { links: [{ href: n.url, text: n.incidentId }] } : {}),
  };
}

export function pagerDutySink(id: string, config: Readonly<PagerDutySinkConfig>): Sink {
  return {
    id,
    type: 'pagerduty',
    minSeverity: config.minSeverity,
    retry: config.retry,
    deliver(n: Notification, ctx: SinkContext): Promise<DeliveryResult> {
      const body = JSON.stringify(pagerDutyEvent(n, config.routingKey));
      return postJson(config.url, body, { timeoutMs: config.timeout, dispatcher: ctx.dispatcher, signal: ctx.signal });
    },
  };
}
