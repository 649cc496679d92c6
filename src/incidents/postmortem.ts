/** The runbook's Post-Mortem (P0/P1): a Markdown skeleton with the recorded timeline and diagnosed causes. */
import { isRootCause } from '../runbook/catalogue.js';
import { durationWords, rankFindings, resolutionText, SEVERITY_DESCRIPTION } from './templates.js';
import type { Incident } from './types.js';

export function needsPostmortem(incident: Incident): boolean {
  return incident.severity === 'P0' || incident.severity === 'P1';
}

const iso = (ms: number | null): string => (ms === null ? '—' : new Date(ms).toISOString());
// keep table cells on one line and free of column breaks
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

export function renderPostmortem(incident: Incident, verifyWindowMs: number, now: number): string {
  const end = incident.resolvedAt ?? now;
  const ranked = rankFindings(incident.findings);
  const roots = ranked.filter((f) => isRootCause(f.cause));
  const lines: string[] = [
    `# Post-mortem: ${incident.id}`,
    '',
    `> Draft generated from the recorded incident. Complete it within 48 hours of resolution.`,
    '',
    '| Field | Value |',
    '| --- | --- |',
    `| Service | ${cell(incident.service)} |`,
    `| Severity | ${incident.severity} (${SEVERITY_DESCRIPTION[incident.severity]}) |`,
    `| Family | ${incident.family} |`,
    `| Status | ${incident.status} |`,
    `| Start Time | ${iso(incident.startedAt)} |`,
    `| Resolved | ${iso(incident.resolvedAt)} |`,
    `| Duration | ${durationWords(end - incident.startedAt)}${incident.resolvedAt === null ? ' (ongoing)' : ''} |`,
    '',
    '## Timeline',
    '',
    '| Time (UTC) | Event | Detail |',
    '| --- | --- | --- |',
    ...incident.timeline.map((e) => `| ${e.at} | ${e.kind} | ${cell(e.message)} |`),
    '',
    '## Root Cause',
    '',
  ];
  if (ranked.length === 0) lines.push('_No cause was diagnosed automatically; fill in from the investigation._');
  if (roots.length === 0 && ranked.length > 0)
    lines.push('_Only symptoms were diagnosed automatically; the technical root cause still needs analysis._', '');
  for (const f of roots.length > 0 ? roots : ranked) {
    lines.push(`### ${f.cause} (${f.severity})`, '', f.summary, '', `Runbook: ${f.runbook}`, '');
    for (const e of f.evidence) lines.push(`- Evidence: ${cell(e)}`);
    if (f.evidence.length > 0) lines.push('');
  }
  const symptoms = ranked.filter((f) => !isRootCause(f.cause));
  if (roots.length > 0 && symptoms.length > 0) lines.push(`Symptoms observed: ${symptoms.map((f) => `${f.cause} (${f.summary})`).join('; ')}`, '');
  lines.push('## Impact', '', incident.impact, '', '_User impact assessment: affected users, requests, regions, data._', '');
  lines.push('## Resolution', '', incident.resolvedAt === null ? '_Not resolved yet._' : resolutionText(incident, verifyWindowMs), '');
  const actions = [...new Set(ranked.flatMap((f) => f.actions))];
  if (actions.length > 0) lines.push('Runbook steps for the diagnosed causes:', '', '```bash', ...actions, '```', '');
  lines.push('## Action Items', '');
  for (const heading of ['Code changes needed', 'Monitoring improvements', 'Documentation updates', 'Training needs']) {
    lines.push(`### ${heading}`, '', '- [ ] ', '');
  }
  return lines.join('\n');
}
