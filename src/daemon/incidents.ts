/** The incident engine as the daemon holds it: opened with the config, reopened when its part of the config changes. */
import type { Config } from '../config/schema.js';
import { IncidentManager, type IncidentMetrics } from '../incidents/manager.js';
import type { ViewSince } from '../incidents/reading.js';
import type { Logger } from '../support/log.js';
import { SEVERITIES, type MetricSample, type RunReport } from '../model/types.js';

export function incidentSamples(m: IncidentMetrics): MetricSample[] {
  return [
    ...SEVERITIES.map((severity) => ({
      name: 'probe_incidents_open',
      help: 'Open incidents by severity',
      value: m.openBySeverity[severity],
      labels: { severity },
    })),
    ...m.notifications.map((n) => ({
      name: 'probe_notifications_total',
      help: 'Notification deliveries by sink and outcome',
      value: n.count,
      labels: { sink: n.sink, outcome: n.outcome },
    })),
    {
      name: 'probe_dependency_notices_open',
      help: 'Open dependency notices: an external dependency failing on its own check (not paged)',
      value: m.noticesOpen,
    },
    { name: 'probe_notify_outbox_depth', help: 'Notifications queued and not yet delivered', value: m.outboxDepth },
    ...m.notifications
      .filter((n) => n.outcome === 'dead')
      .map((n) => ({
        name: 'probe_notifications_dead_total',
        help: 'Notifications moved to the dead-letter list after their retry budget',
        value: n.count,
        labels: { sink: n.sink },
      })),
    {
      name: 'probe_state_write_failures_total',
      help: 'Failed writes of the incident state file (paging continues from memory)',
      value: m.stateWriteFailures,
    },
    {
      name: 'probe_state_durable',
      help: '1 while the incident state is being written, 0 while it only lives in memory',
      value: m.stateProblem ? 0 : 1,
    },
  ];
}

/** What the incident engine reads from the config; other changes do not need it reopened. */
const incidentPart = (config: Config): string =>
  JSON.stringify([config.service, config.incidents, config.notify, config.kubernetes, config.severity]);

export class IncidentHolder {
  private current: IncidentManager | undefined;
  private openedFor = '';
  /** write failures of engines closed by a reload: the metric is a counter and must not go back */
  private earlierWriteFailures = 0;

  constructor(
    private readonly log: Logger,
    private readonly isLeader: () => boolean = () => true,
  ) {}

  get manager(): IncidentManager | undefined {
    return this.current;
  }

  async open(config: Config): Promise<void> {
    this.current = await IncidentManager.open({ config, log: this.log.child({ component: 'incidents' }), isLeader: this.isLeader });
    this.openedFor = incidentPart(config);
    this.current.events.on('opened', (i) => this.log.warn({ incident: i.id, severity: i.severity, impact: i.impact }, 'incident opened'));
    this.current.events.on('resolved', (i) => this.log.info({ incident: i.id, severity: i.severity }, 'incident resolved'));
  }

  /** Close, then open with the new config: two engines must never write the same state file at once. */
  async reconfigure(config: Config): Promise<void> {
    if (incidentPart(config) === this.openedFor && this.current) return;
    await this.current?.close();
    this.earlierWriteFailures += this.current?.metrics().stateWriteFailures ?? 0;
    this.current = undefined;
    await this.open(config);
  }

  async evaluate(report: RunReport, viewSince?: ViewSince): Promise<void> {
    try {
      await this.current?.evaluate(report, viewSince);
    } catch (err) {
      this.log.error({ err: err instanceof Error ? err.message : String(err), code: 'RP_ERR_INTERNAL' }, 'incident evaluation failed');
    }
  }

  samples(): MetricSample[] {
    if (!this.current) return [];
    const m = this.current.metrics();
    return incidentSamples({ ...m, stateWriteFailures: m.stateWriteFailures + this.earlierWriteFailures });
  }

  /** why the daemon is degraded (state not durable), or null */
  degraded(): string | null {
    const problem = this.current?.metrics().stateProblem;
    if (!problem) return null;
    return `incident state cannot be written (${problem.code}: ${problem.message}) since ${new Date(problem.since).toISOString()}; notifications are delivered from memory`;
  }

  async close(): Promise<void> {
    await this.current?.close();
    this.current = undefined;
  }
}
