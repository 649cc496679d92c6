/** GET /api/status's document: the 90-day past list, the public timeline, the leading finding first, notices shown. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IncidentView, NoticeView } from '../../src/incidents/types.js';
import type { Finding } from '../../src/model/types.js';
import { MAX_PAST_INCIDENTS, statusDocument, type StatusInput } from '../../src/server/status-api.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 30, 12);
const iso = (ms: number): string => new Date(ms).toISOString();

const finding = (cause: string, severity: Finding['severity']): Finding => ({
  cause,
  severity,
  summary: `${cause} seen`,
  evidence: [],
  runbook: 'Scenario 1',
  actions: [`check ${cause}`],
});

function incident(id: string, startedDaysAgo: number, resolvedDaysAgo: number | null): IncidentView {
  const findings = [finding('high_error_rate', 'P1'), finding('api_outage', 'P0')];
  return {
    id,
    service: 'api',
    family: 'availability',
    status: resolvedDaysAgo === null ? 'INVESTIGATING' : 'RESOLVED',
    severity: 'P0',
    open: resolvedDaysAgo === null,
    startedAt: iso(NOW - startedDaysAgo * DAY),
    openedAt: iso(NOW - startedDaysAgo * DAY),
    resolvedAt: resolvedDaysAgo === null ? null : iso(NOW - resolvedDaysAgo * DAY),
    durationMs: (startedDaysAgo - (resolvedDaysAgo ?? 0)) * DAY,
    impact: 'Complete outage',
    leadingCause: 'api_outage',
    causes: findings.map((f) => f.cause),
    findings,
    escalationLevel: 0,
    escalatedTo: 'On-call',
    inMaintenance: false,
    postmortem: true,
    timeline: [
      { at: iso(NOW), kind: 'opened', message: 'Opened as P0' },
      { at: iso(NOW), kind: 'notified', message: 'sent to pager', sink: 'pager' },
      { at: iso(NOW), kind: 'delivery-failed', message: 'pager: 500', sink: 'pager' },
    ],
  };
}

const notice = (id: string, clearedHoursAgo: number | null): NoticeView => ({
  id,
  kind: 'notice',
  service: 'api',
  dependency: 'openai',
  status: clearedHoursAgo === null ? 'OPEN' : 'CLEARED',
  open: clearedHoursAgo === null,
  severity: 'P2',
  summary: 'OpenAI answering 503',
  causes: [],
  findings: [],
  openedAt: iso(NOW - 3 * DAY),
  lastSeenAt: iso(NOW),
  clearedAt: clearedHoursAgo === null ? null : iso(NOW - clearedHoursAgo * 3_600_000),
});

const input = (over: Partial<StatusInput>): StatusInput => ({
  service: 'api',
  now: NOW,
  intervalMs: 500,
  report: null,
  incidents: [],
  notices: [],
  maintenance: [],
  probes: [],
  ...over,
});

interface Doc {
  state: string;
  refreshMs: number;
  incidentsAvailable: boolean;
  openIncidents: { id: string; findings: { cause: string }[]; timeline: { kind: string }[] }[];
  pastIncidents: { id: string }[];
  notices: { id: string }[];
}

describe('GET /api/status document', () => {
  test('past incidents: resolved within 90 days, newest first; open ones apart', () => {
    const doc = statusDocument(
      input({
        incidents: [incident('old', 100, 95), incident('a', 10, 9), incident('b', 2, 1), incident('open', 0, null), incident('edge', 91, 89)],
      }),
    ) as unknown as Doc;
    assert.deepEqual(
      doc.pastIncidents.map((i) => i.id),
      ['b', 'a', 'edge'],
    );
    assert.deepEqual(
      doc.openIncidents.map((i) => i.id),
      ['open'],
    );
  });

  test('at most MAX_PAST_INCIDENTS past incidents', () => {
    const many = Array.from({ length: MAX_PAST_INCIDENTS + 5 }, (_, n) => incident(`i${n}`, 1 + n / 1000, 1));
    const doc = statusDocument(input({ incidents: many })) as unknown as Doc;
    assert.equal(doc.pastIncidents.length, MAX_PAST_INCIDENTS);
  });

  test('an open incident: leading finding first, no notification bookkeeping in its timeline', () => {
    const doc = statusDocument(input({ incidents: [incident('open', 0, null)] })) as unknown as Doc;
    const [open] = doc.openIncidents;
    assert.deepEqual(
      open.findings.map((f) => f.cause),
      ['api_outage', 'high_error_rate'],
    );
    assert.deepEqual(
      open.timeline.map((e) => e.kind),
      ['opened'],
    );
  });

  test('notices: open ones and those cleared within a day', () => {
    const doc = statusDocument(input({ notices: [notice('open', null), notice('recent', 2), notice('stale', 30)] })) as unknown as Doc;
    assert.deepEqual(
      doc.notices.map((n) => n.id),
      ['open', 'recent'],
    );
  });

  test('before the first evaluation, and without incident tracking', () => {
    const doc = statusDocument(input({ incidents: null })) as unknown as Doc;
    assert.equal(doc.state, 'starting');
    assert.equal(doc.incidentsAvailable, false);
    assert.equal(doc.refreshMs, 2_000, 'polled no faster than every 2 s');
  });
});
