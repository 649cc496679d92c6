/**
 * JUnit XML for CI (`--junit FILE`): one testsuite per run; one testcase per probe, per threshold, and one for the
 * run's verdict (so a gate that fails on severity alone is visible as a failing test too).
 * Probe `fail` → <failure>, `error` → <error>, `skipped` → <skipped>. Findings go to the verdict case and system-out.
 */
import type { Finding, ProbeResult, RunReport, ThresholdResult } from '../model/types.js';

// XML escaping that keeps any probe message well-formed; characters XML 1.0 forbids anywhere
// (control characters, lone surrogates, U+FFFE/U+FFFF) become U+FFFD
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function xmlText(text: string): string {
  return text.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function xmlAttr(text: string): string {
  // whitespace escaped so parsers do not normalise newlines in messages away
  return xmlText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${xmlAttr(String(value))}"`)
    .join('');
}

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

interface Case {
  classname: string;
  name: string;
  timeMs: number;
  outcome: 'pass' | 'failure' | 'error' | 'skipped';
  message?: string;
  body?: string;
}

function probeCase(suite: string, probe: ProbeResult): Case {
  const base = { classname: `${suite}.probes`, name: `${probe.name} (${probe.kind})`, timeMs: probe.durationMs };
  const message = probe.error ? `${probe.error.code}: ${probe.error.message}` : (probe.reason ?? probe.status);
  const body = [message, ...(probe.findings ?? []).map(findingLine)].join('\n');
  switch (probe.status) {
    case 'pass':
      return { ...base, outcome: 'pass' };
    case 'skipped':
      return { ...base, outcome: 'skipped', message: probe.reason ?? message };
    case 'fail':
      return { ...base, outcome: 'failure', message, body };
    case 'error':
      return { ...base, outcome: 'error', message, body };
  }
}

function thresholdCase(suite: string, threshold: ThresholdResult): Case {
  const base = { classname: `${suite}.thresholds`, name: threshold.expr, timeMs: 0 };
  if (threshold.ok) return { ...base, outcome: 'pass' };
  const message = threshold.reason ?? `threshold failed (actual ${threshold.actual ?? 'none'})`;
  return { ...base, outcome: 'failure', message, body: `${threshold.expr}\nactual: ${threshold.actual ?? 'none'}\n${message}` };
}

function findingLine(f: Finding): string {
  return `[${f.severity}] ${f.cause}: ${f.summary} (runbook: ${f.runbook})`;
}

function verdictCase(suite: string, report: RunReport): Case {
  const base = { classname: `${suite}.gate`, name: 'verdict', timeMs: report.durationMs };
  if (report.passed) return { ...base, outcome: 'pass' };
  const message = `scenario ${report.scenario} failed its gate${report.severity ? ` (severity ${report.severity})` : ''}`;
  const body = [message, ...report.findings.map(findingLine), ...report.findings.flatMap((f) => f.actions.map((a) => `  $ ${a}`))].join('\n');
  return { ...base, outcome: 'failure', message, body };
}

function renderCase(c: Case): string {
  const open = `    <testcase${attrs({ classname: c.classname, name: c.name, time: seconds(c.timeMs) })}`;
  if (c.outcome === 'pass') return `${open}/>`;
  const message = c.message ?? '';
  const inner =
    c.outcome === 'skipped'
      ? `<skipped${attrs({ message })}/>`
      : `<${c.outcome}${attrs({ message, type: c.outcome === 'error' ? 'error' : 'failure' })}>${xmlText(c.body ?? message)}</${c.outcome}>`;
  return `${open}>\n      ${inner}\n    </testcase>`;
}

export function toJUnitXml(report: RunReport): string {
  const suite = `radar-probe.${report.scenario}`;
  const cases: Case[] = [
    ...report.probes.map((p) => probeCase(suite, p)),
    ...report.thresholds.map((t) => thresholdCase(suite, t)),
    verdictCase(suite, report),
  ];
  const count = (outcome: Case['outcome']): number => cases.filter((c) => c.outcome === outcome).length;
  const totals = {
    tests: cases.length,
    failures: count('failure'),
    errors: count('error'),
    skipped: count('skipped'),
    time: seconds(report.durationMs),
  };
  const properties = {
    target: report.target,
    scenario: report.scenario,
    passed: String(report.passed),
    severity: report.severity ?? 'none',
    ...(report.latency?.p95Ms !== undefined && report.latency.p95Ms !== null ? { p95Ms: String(report.latency.p95Ms) } : {}),
    ...(report.latency ? { errorRate: String(report.latency.errorRate) } : {}),
  };
  const systemOut = report.findings.length ? `    <system-out>${xmlText(report.findings.map(findingLine).join('\n'))}</system-out>\n` : '';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'radar-probe', ...totals })}>`,
    `  <testsuite${attrs({ name: suite, ...totals, timestamp: report.startedAt })}>`,
    '    <properties>',
    ...Object.entries(properties).map(([name, value]) => `      <property${attrs({ name, value })}/>`),
    '    </properties>',
    ...cases.map(renderCase),
    `${systemOut}  </testsuite>`,
    '</testsuites>',
    '',
  ].join('\n');
}
