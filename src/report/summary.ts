/** Markdown for a GitHub step summary (`--summary FILE`, usually $GITHUB_STEP_SUMMARY): tables, verdict first. */
import type { Finding, LatencySummary, ProbeResult, RunReport, ThresholdResult } from '../model/types.js';

/** Table-cell text: no HTML, no breaking the table with pipes or newlines. */
function cell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function code(text: string): string {
  return `<code>${cell(text)}</code>`;
}

const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `${v.toFixed(1)} ms`);
const pct = (ratio: number): string => `${(ratio * 100).toFixed(2)} %`;

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

const STATUS_MARK: Record<ProbeResult['status'], string> = { pass: '✅ pass', fail: '❌ fail', error: '💥 error', skipped: '⏭️ skipped' };

function probeDetail(p: ProbeResult): string {
  if (p.error) return `${code(p.error.code)} ${cell(p.error.message)}`;
  if (p.reason) return cell(p.reason);
  return '';
}

function latencyTable(l: LatencySummary): string[] {
  const rows = [
    [
      String(l.requests),
      String(l.errors),
      String(l.timeouts),
      pct(l.errorRate),
      l.rps.toFixed(1),
      ms(l.p50Ms),
      ms(l.p90Ms),
      ms(l.p95Ms),
      ms(l.p99Ms),
      ms(l.maxMs),
    ],
  ];
  const lines = ['### Latency', '', ...table(['requests', 'errors', 'timeouts', 'error rate', 'req/s', 'p50', 'p90', 'p95', 'p99', 'max'], rows)];
  if (l.aborted === true && typeof l.abortReason === 'string') lines.push('', `> ⚠️ ${cell(l.abortReason)}`);
  return lines;
}

function thresholdTable(thresholds: readonly ThresholdResult[]): string[] {
  const rows = thresholds.map((t) => [code(t.expr), t.ok ? '✅ pass' : '❌ fail', t.actual === null ? '—' : String(t.actual), cell(t.reason ?? '')]);
  return ['### Thresholds', '', ...table(['threshold', 'result', 'actual', 'why'], rows)];
}

function findingLines(findings: readonly Finding[]): string[] {
  const lines = ['### Findings', ''];
  for (const f of findings) {
    lines.push(`- **${f.severity}** ${code(f.cause)}: ${cell(f.summary)} _(runbook: ${cell(f.runbook)})_`);
    for (const e of f.evidence) lines.push(`  - ${cell(e)}`);
    for (const a of f.actions) lines.push(`  - action: ${code(a)}`);
  }
  return lines;
}

export function toMarkdownSummary(report: RunReport): string {
  const verdict = report.passed ? '✅ passed' : '❌ failed';
  const lines = [
    `## radar-probe · ${cell(report.scenario)} · ${verdict}`,
    '',
    ...table(
      ['verdict', 'severity', 'target', 'started', 'duration'],
      [[verdict, report.severity ?? 'none', code(report.target), cell(report.startedAt), `${(report.durationMs / 1000).toFixed(1)} s`]],
    ),
    '',
    '### Probes',
    '',
    ...table(
      ['probe', 'kind', 'status', 'duration', 'detail'],
      report.probes.map((p) => [cell(p.name), cell(p.kind), STATUS_MARK[p.status] ?? cell(p.status), ms(p.durationMs), probeDetail(p)]),
    ),
  ];
  if (report.latency) lines.push('', ...latencyTable(report.latency));
  if (report.thresholds.length) lines.push('', ...thresholdTable(report.thresholds));
  if (report.findings.length) lines.push('', ...findingLines(report.findings));
  return `${lines.join('\n')}\n`;
}
