/**
 * Alertmanager API v2. An alert is identified by its labels, so re-posting is idempotent; firing alerts carry no
 * endsAt and must be re-sent before Alertmanager's resolve_timeout, a resolve is the same alert with endsAt.
 */
import type { SinkConfig } from '../../config/sections/notify.js';
import type { Severity } from '../../model/types.js';
import { postJson } from './http-post.js';
import type { DeliveryResult, Notification, Sink, SinkContext } from '../types.js';

type AlertmanagerSinkConfig = Extract<SinkConfig, { type: 'alertmanager' }>;

export const ALERT_NAME = 'RadarProbeIncident';

export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
}

function alertFor(n: Notification, severity: Severity, generatorUrl: string): AmAlert {
  const alert: AmAlert = {
    labels: { alertname: ALERT_NAME, severity, service: n.service, family: n.family, incident: n.incidentId },
    annotations: {
      summary: n.title,
      description: n.text,
      runbook: [...new Set(n.findings.map((f) => f.runbook))].join('; '),
      status: n.status,
      ...(n.escalation ? { escalation: `level ${n.escalation.level}: ${n.escalation.to}` } : {}),
    },
    startsAt: n.startedAt,
  };
  const generator = generatorUrl || n.url;
  if (/^https?:\/\//.test(generator)) alert.generatorURL = generator;
  return alert;
}

/** The alerts one notification turns into: an upgrade ends the alert under the old severity label. */
export function alertmanagerAlerts(n: Notification, generatorUrl = ''): AmAlert[] {
  const current = alertFor(n, n.severity, generatorUrl);
  if (n.kind === 'resolve') return [{ ...current, endsAt: n.resolvedAt ?? n.createdAt }];
  const alerts = [current];
  if (n.previousSeverity && n.previousSeverity !== n.severity) {
    alerts.push({ ...alertFor(n, n.previousSeverity, generatorUrl), endsAt: n.createdAt });
  }
  return alerts;
}

export function alertsUrl(base: string): string {
  return `${base.replace(/\/+$/, '')}/api/v2/alerts`;
}

export function alertmanagerSink(id: string, config: Readonly<AlertmanagerSinkConfig>): Sink {
  return {
    id,
    type: 'alertmanager',
    minSeverity: config.minSeverity,
    retry: config.retry,
    resendEvery: config.resendEvery,
    deliver(n: Notification, ctx: SinkContext): Promise<DeliveryResult> {
      const body = JSON.stringify(alertmanagerAlerts(n, config.generatorUrl));
      return postJson(alertsUrl(config.url), body, { timeoutMs: config.timeout, dispatcher: ctx.dispatcher, signal: ctx.signal });
    },
  };
}
