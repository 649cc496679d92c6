/** The log sink: every notification as one structured pino line (always on by default, never fails). */
import type { SinkConfig } from '../../config/sections/notify.js';
import type { DeliveryResult, Notification, Sink, SinkContext } from '../types.js';

type LogSinkConfig = Extract<SinkConfig, { type: 'log' }>;

export function logSink(id: string, config: Readonly<LogSinkConfig>): Sink {
  return {
    id,
    type: 'log',
    minSeverity: config.minSeverity,
    retry: config.retry,
    async deliver(n: Notification, ctx: SinkContext): Promise<DeliveryResult> {
      const line = {
        incident: n.incidentId,
        eventId: n.eventId,
        kind: n.kind,
        status: n.status,
        severity: n.severity,
        family: n.family,
        escalation: n.escalation,
        fields: n.fields,
        causes: n.findings.map((f) => f.cause),
      };
      // paging-worthy events at warn so a log-only setup still surfaces them
      if (n.kind === 'open' || n.kind === 'escalate') ctx.log.warn(line, `${n.template}: ${n.title}`);
      else ctx.log.info(line, `${n.template}: ${n.title}`);
      return { ok: true, status: null };
    },
  };
}
