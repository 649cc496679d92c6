/**
 * Dependency notices: an external dependency failing on its own check while nothing ties the service's failures
 * to it. A notice opens after `openAfter` consecutive evaluations, clears at the first evaluation without the
 * finding, and is sent only to sinks that asked for notices — it is never an incident and never pages.
 */
import { worse } from '../model/severity.js';
import type { Notification } from '../notify/types.js';
import type { Finding } from '../model/types.js';
import { dependencyOf } from '../runbook/dependencies.js';
import { findingsText } from './templates.js';
import type { PagingContext } from './paging.js';
import type { IncidentState } from './state.js';
import type { DependencyNotice, NoticeView } from './types.js';

export interface NoticeEnv {
  now: number;
  service: string;
  openAfter: number;
}

export interface NoticeChange {
  notice: DependencyNotice;
  change: 'opened' | 'cleared';
}

const pendingKey = (service: string, dependency: string): string => `notice:${service}:${dependency}`;

export function openNotices(state: IncidentState): DependencyNotice[] {
  return state.notices.filter((n) => n.status === 'OPEN');
}

function byDependency(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const dependency = dependencyOf(f.cause);
    if (dependency !== null) groups.set(dependency, [...(groups.get(dependency) ?? []), f]);
  }
  return groups;
}

/** One evaluation's dependency findings (from the dependencies' own checks) → notices opened, refreshed, cleared. */
export function applyNotices(state: IncidentState, findings: readonly Finding[], env: NoticeEnv): NoticeChange[] {
  const changes: NoticeChange[] = [];
  const failing = byDependency(findings);
  for (const notice of openNotices(state).filter((n) => n.service === env.service)) {
    const current = failing.get(notice.dependency);
    if (current) {
      notice.lastSeenAt = env.now;
      notice.findings = current.map((f) => ({ ...f }));
      notice.summary = current[0].summary;
      notice.severity = current.reduce((s, f) => worse(s, f.severity), notice.severity);
      failing.delete(notice.dependency);
    } else {
      notice.status = 'CLEARED';
      notice.clearedAt = env.now;
      changes.push({ notice, change: 'cleared' });
    }
  }
  for (const key of Object.keys(state.pending)) {
    if (key.startsWith(pendingKey(env.service, '')) && !failing.has(key.slice(pendingKey(env.service, '').length))) delete state.pending[key];
  }
  for (const [dependency, current] of failing) {
    const key = pendingKey(env.service, dependency);
    const streak = state.pending[key] ?? { count: 0, firstAt: env.now, severity: current[0].severity };
    streak.count += 1;
    state.pending[key] = streak;
    if (streak.count < env.openAfter) continue;
    delete state.pending[key];
    state.noticeCounter += 1;
    const day = new Date(env.now).toISOString().slice(0, 10).replace(/-/g, '');
    const notice: DependencyNotice = {
      id: `NTC-${day}-${String(state.noticeCounter).padStart(4, '0')}-${dependency}`,
      kind: 'notice',
      service: env.service,
      dependency,
      status: 'OPEN',
      severity: current.reduce((s, f) => worse(s, f.severity), current[0].severity),
      summary: current[0].summary,
      findings: current.map((f) => ({ ...f })),
      openedAt: streak.firstAt,
      lastSeenAt: env.now,
      clearedAt: null,
      notifySeq: 0,
    };
    state.notices.push(notice);
    changes.push({ notice, change: 'opened' });
  }
  return changes;
}

/** Queues a notice's message for the sinks that take notices; with none, the notice is only shown. */
export function queueNoticeMessage(ctx: PagingContext, change: NoticeChange): void {
  const targets = ctx.sinks.filter((s) => s.notices === true).map((s) => s.id);
  if (targets.length === 0) return;
  const { notice } = change;
  const cleared = change.change === 'cleared';
  ctx.state.sequence += 1;
  notice.notifySeq += 1;
  const template = cleared ? 'DEPENDENCY NOTICE CLEARED' : 'DEPENDENCY NOTICE';
  const fields: Record<string, string> = {
    Status: notice.status,
    Dependency: notice.dependency,
    Service: notice.service,
    Impact: `${notice.summary}; ${notice.service}'s own checks are not failing because of it (no page)`,
    'Start Time': new Date(notice.openedAt).toISOString(),
    ...(notice.clearedAt === null ? {} : { 'Cleared Time': new Date(notice.clearedAt).toISOString() }),
  };
  const block = [template, '-'.repeat(template.length), ...Object.entries(fields).map(([k, v]) => `${k}: ${v}`)].join('\n');
  const notification: Notification = {
    eventId: `${notice.id}.${notice.notifySeq}`,
    sequence: ctx.state.sequence,
    kind: cleared ? 'resolve' : 'open',
    template,
    incidentId: notice.id,
    service: notice.service,
    family: 'other',
    status: cleared ? 'RESOLVED' : 'INVESTIGATING',
    severity: notice.severity,
    previousSeverity: null,
    title: `${cleared ? 'CLEARED: ' : ''}dependency notice for ${notice.service}: ${notice.summary}`,
    text: `${block}\n\nFindings and runbook actions:\n${findingsText(notice.findings)}`,
    fields,
    findings: notice.findings.map((f) => ({ ...f, evidence: [...f.evidence], actions: [...f.actions] })),
    escalation: null,
    startedAt: new Date(notice.openedAt).toISOString(),
    resolvedAt: notice.clearedAt === null ? null : new Date(notice.clearedAt).toISOString(),
    createdAt: new Date(ctx.now).toISOString(),
    url: ctx.updatesUrl ? ctx.updatesUrl.replace('{id}', notice.id) : '/api/incidents',
    maintenance: false,
  };
  ctx.outbox.enqueue(notification, targets, ctx.now);
}

/** Cleared notices older than `keepMs` are forgotten (their messages, if any, are already rendered and queued). */
export function pruneNotices(state: IncidentState, now: number, keepMs: number): boolean {
  const before = state.notices.length;
  state.notices = state.notices.filter((n) => n.clearedAt === null || now - n.clearedAt <= keepMs);
  return state.notices.length !== before;
}

export function toNoticeView(notice: DependencyNotice): NoticeView {
  const iso = (ms: number): string => new Date(ms).toISOString();
  return {
    id: notice.id,
    kind: 'notice',
    service: notice.service,
    dependency: notice.dependency,
    status: notice.status,
    open: notice.status === 'OPEN',
    severity: notice.severity,
    summary: notice.summary,
    causes: notice.findings.map((f) => f.cause),
    findings: notice.findings.map((f) => ({ ...f, evidence: [...f.evidence], actions: [...f.actions] })),
    openedAt: iso(notice.openedAt),
    lastSeenAt: iso(notice.lastSeenAt),
    clearedAt: notice.clearedAt === null ? null : iso(notice.clearedAt),
  };
}
