/** The report an on-call engineer reads in a terminal: verdict first, then why, then what to do. */
import type { Finding, LatencySummary, ProbeResult, RunReport } from '../model/types.js';

export interface Style {
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
export const COLOR: Style = { bold: wrap(1, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22) };
export const PLAIN: Style = { bold: (t) => t, red: (t) => t, green: (t) => t, yellow: (t) => t, dim: (t) => t };

const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `${v.toFixed(1)}ms`);

function statusWord(result: ProbeResult, s: Style): string {
  const word = result.status.toUpperCase().padEnd(7);
  if (result.status === 'pass') return s.green(word);
  if (result.status === 'skipped') return s.dim(word);
  return s.red(word);
}

function probeLine(result: ProbeResult, s: Style): string {
  const m = result.metrics;
  const bits: string[] = [];
  if (result.kind === 'http') {
    bits.push(String(m['path'] ?? ''), m['statusCode'] === null || m['statusCode'] === undefined ? '' : `HTTP ${String(m['statusCode'])}`);
    if (typeof m['samples'] === 'number' && m['samples'] > 1) bits.push(`${String(m['failures'])}/${m['samples']} failed`);
  }
  if (result.error) bits.push(s.red(`${result.error.code}: ${result.error.message}`));
  if (result.reason) bits.push(result.status === 'skipped' || result.status === 'pass' ? s.dim(result.reason) : s.red(result.reason));
  return `  ${statusWord(result, s)} ${result.name.padEnd(16)} ${ms(result.durationMs).padStart(10)}  ${bits.filter(Boolean).join('  ')}`;
}

function latencyLines(l: LatencySummary, s: Style): string[] {
  return [
    s.bold('Latency'),
    `  requests ${l.requests}  errors ${l.errors}  timeouts ${l.timeouts}  error rate ${(l.errorRate * 100).toFixed(2)} %  ${l.rps.toFixed(1)} req/s`,
    `  p50 ${ms(l.p50Ms)}  p90 ${ms(l.p90Ms)}  p95 ${ms(l.p95Ms)}  p99 ${ms(l.p99Ms)}  max ${ms(l.maxMs)}`,
  ];
}

/** "confidence high: 95 % interval 1.1 %–3.5 % over 600 requests, all of it in the P3 band" */
function confidenceLine(f: Finding): string[] {
  return f.confidence ? [`     confidence ${f.confidence.level}: ${f.confidence.basis}`] : [];
}

function findingLines(f: Finding, s: Style): string[] {
  const sev = f.severity === 'P0' || f.severity === 'P1' ? s.red(f.severity) : s.yellow(f.severity);
  return [
    `  ${sev} ${s.bold(f.cause)}: ${f.summary}`,
    `     runbook: ${f.runbook}`,
    ...confidenceLine(f),
    ...f.evidence.slice(0, 6).map((e) => `     · ${e}`),
    ...f.actions.map((a) => s.dim(`     $ ${a}`)),
  ];
}

export function formatHuman(report: RunReport, s: Style): string {
  const verdict = report.passed ? s.green(s.bold('PASSED')) : s.red(s.bold('FAILED'));
  const lines = [
    `${verdict}  scenario ${s.bold(report.scenario)} against ${report.target}  severity ${report.severity ?? 'none'}  (${(report.durationMs / 1000).toFixed(2)} s)`,
    '',
    s.bold('Probes'),
    ...report.probes.map((p) => probeLine(p, s)),
  ];
  if (report.latency) lines.push('', ...latencyLines(report.latency, s));
  if (report.thresholds.length) {
    lines.push('', s.bold('Thresholds'));
    for (const t of report.thresholds) {
      lines.push(
        `  ${t.ok ? s.green('ok  ') : s.red('FAIL')} ${t.expr.padEnd(22)} actual ${t.actual === null ? '—' : String(Math.round(t.actual * 1000) / 1000)}${t.reason ? `  ${s.dim(t.reason)}` : ''}`,
      );
    }
  }
  if (report.findings.length) {
    lines.push('', s.bold('Findings'));
    for (const f of report.findings) lines.push(...findingLines(f, s));
  }
  return `${lines.join('\n')}\n`;
}
