/**
 * k6-style thresholds on a load result: `p(95)<500`, `p95<500`, `p(99.9)<=800`, `avg`, `med`, `min`, `max`,
 * `error_rate<0.05`, `rps>50`; operators `< <= > >= ==`; whitespace anywhere between tokens.
 * Latency values are milliseconds (`500`, `500ms` or `0.5s`); error_rate is a ratio (`0.05`) or a percentage (`5%`).
 * `:abortOnFail` after an expression (`p(95)<500:abortOnFail`, or the object form `{ threshold, abortOnFail: true }`)
 * makes the load probe stop as soon as the threshold fails mid-run, once abortMinSamples requests completed.
 * Unlike k6, a threshold that saw no samples fails.
 */
import { UsageError } from './errors.js';
import type { LatencySummary, ThresholdResult } from './types.js';

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==';
export type ThresholdMetric = { kind: 'percentile'; p: number } | { kind: 'avg' | 'med' | 'min' | 'max' | 'error_rate' | 'rps' };

export interface Threshold {
  expr: string;
  metric: ThresholdMetric;
  op: ThresholdOp;
  value: number;
  abortOnFail: boolean;
}

export type ThresholdInput = string | { threshold: string; abortOnFail?: boolean };

const OPS: readonly ThresholdOp[] = ['<=', '>=', '==', '<', '>'];
const NAMED = ['avg', 'med', 'min', 'max', 'error_rate', 'rps'] as const;
const NUMBER = /^-?\d+(?:\.\d+)?$/;
/** percentiles every load result carries in `percentilesMs` */
export const STANDARD_PERCENTILES: readonly number[] = [50, 75, 90, 95, 99, 99.9, 99.99];

function bad(expr: string, why: string): UsageError {
  return new UsageError('RP_ERR_USAGE', `threshold "${expr}": ${why}`);
}

function parseMetric(expr: string, text: string): ThresholdMetric {
  const name = text.toLowerCase();
  if ((NAMED as readonly string[]).includes(name)) return { kind: name as (typeof NAMED)[number] };
  let pText: string | null = null;
  if (name.startsWith('p(') && name.endsWith(')')) pText = name.slice(2, -1).trim();
  else if (name.startsWith('p') && NUMBER.test(name.slice(1))) pText = name.slice(1);
  if (pText === null) throw bad(expr, `unknown metric "${text}" (expected p(N), pN, avg, med, min, max, error_rate or rps)`);
  if (!NUMBER.test(pText)) throw bad(expr, `percentile "${pText}" is not a number`);
  const p = Number(pText);
  if (p < 0 || p > 100) throw bad(expr, `percentile ${p} is outside 0..100`);
  return { kind: 'percentile', p };
}

function parseValue(expr: string, metric: ThresholdMetric, text: string): number {
  let unit = '';
  let digits = text;
  for (const candidate of ['ms', 's', '%']) {
    if (text.toLowerCase().endsWith(candidate)) {
      unit = candidate;
      digits = text.slice(0, -candidate.length).trim();
      break;
    }
  }
  if (!NUMBER.test(digits)) throw bad(expr, `"${text}" is not a number`);
  const n = Number(digits);
  const isLatency = metric.kind !== 'error_rate' && metric.kind !== 'rps';
  if (unit === '%') {
    if (metric.kind !== 'error_rate') throw bad(expr, '"%" only applies to error_rate');
    return n / 100;
  }
  if (unit && !isLatency) throw bad(expr, `"${unit}" only applies to latency metrics`);
  return unit === 's' ? n * 1000 : n;
}

/** Parses one threshold; throws UsageError('RP_ERR_USAGE') naming the expression and what is wrong. */
export function parseThreshold(input: ThresholdInput): Threshold {
  const raw = typeof input === 'string' ? input : input?.threshold;
  if (typeof raw !== 'string' || raw.trim() === '') throw bad(String(raw ?? ''), 'empty threshold');
  const expr = raw.trim();
  let body = expr;
  let abortOnFail = typeof input === 'object' && input.abortOnFail === true;
  const colon = expr.lastIndexOf(':');
  if (colon >= 0) {
    const option = expr.slice(colon + 1).trim();
    if (option.toLowerCase() !== 'abortonfail') throw bad(expr, `unknown option "${option}" (only abortOnFail)`);
    abortOnFail = true;
    body = expr.slice(0, colon);
  }
  const at = body.search(/[<>=!]/);
  if (at < 0) throw bad(expr, 'missing comparison (expected one of < <= > >= ==)');
  const op = OPS.find((candidate) => body.startsWith(candidate, at));
  if (!op) throw bad(expr, `unknown operator near "${body.slice(at, at + 2)}" (expected one of < <= > >= ==)`);
  const metricText = body.slice(0, at).replace(/\s+/g, '');
  const valueText = body.slice(at + op.length).trim();
  if (!metricText) throw bad(expr, 'missing metric before the operator');
  if (!valueText) throw bad(expr, 'missing value after the operator');
  const metric = parseMetric(expr, metricText);
  return { expr, metric, op, value: parseValue(expr, metric, valueText), abortOnFail };
}

function percentileKey(p: number): string {
  return String(p);
}

/** Percentiles the thresholds ask for that a load result does not carry by default (pass them to the load probe). */
export function percentilesNeeded(inputs: readonly ThresholdInput[]): number[] {
  const extra = new Set<number>();
  for (const input of inputs) {
    try {
      const { metric } = parseThreshold(input);
      if (metric.kind === 'percentile' && !STANDARD_PERCENTILES.includes(metric.p) && metric.p !== 100 && metric.p !== 0) {
        extra.add(metric.p);
      }
    } catch {
      // a bad expression is reported by parseThreshold where the caller validates its input
    }
  }
  return [...extra];
}

function lookup(metric: ThresholdMetric, latency: LatencySummary): number | null | undefined {
  const num = (v: unknown): number | null | undefined => (typeof v === 'number' ? v : v === null ? null : undefined);
  switch (metric.kind) {
    case 'avg':
      return num(latency.avgMs);
    case 'med':
      return latency.p50Ms;
    case 'min':
      return num(latency.minMs);
    case 'max':
      return latency.maxMs;
    case 'error_rate':
      return latency.errorRate;
    case 'rps':
      return latency.rps;
    case 'percentile': {
      const named: Record<number, number | null> = {
        0: num(latency.minMs) ?? null,
        50: latency.p50Ms,
        90: latency.p90Ms,
        95: latency.p95Ms,
        99: latency.p99Ms,
        100: latency.maxMs,
      };
      if (metric.p in named) return named[metric.p];
      const table = latency.percentilesMs;
      if (table && typeof table === 'object' && !Array.isArray(table)) return num(table[percentileKey(metric.p)]);
      return undefined;
    }
  }
}

function compare(actual: number, op: ThresholdOp, value: number): boolean {
  switch (op) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '==':
      return actual === value;
  }
}

function isLatencyMetric(metric: ThresholdMetric): boolean {
  return metric.kind !== 'error_rate' && metric.kind !== 'rps';
}

/** What a latency figure was computed over, in the words of the block that carries it. */
function latencyBasis(latency: LatencySummary): string {
  if (latency['source'] === 'http-samples') return `over the ${latency.requests - latency.errors} successful of ${latency.requests} HTTP samples`;
  const samples = typeof latency['latencySamples'] === 'number' ? latency['latencySamples'] : latency.requests;
  return `over ${samples} of ${latency.requests} load attempts: responses of any status and timeouts at the time given up (${latency.errors} failed)`;
}

/**
 * Evaluates one parsed threshold; no samples (or no load result at all) is a failure with a reason. A latency
 * threshold says what it measured in its reason, and fails when every attempt failed: fast 503s or timeouts say
 * nothing about how fast the API serves, so they cannot pass `p(95)<300`.
 */
export function evaluateThreshold(threshold: Threshold, latency: LatencySummary | undefined): ThresholdResult {
  const { expr } = threshold;
  if (!latency) return { expr, ok: false, actual: null, reason: 'no samples: this run produced no load result' };
  if (latency.requests === 0) return { expr, ok: false, actual: null, reason: 'no samples: the load run completed no requests' };
  const actual = lookup(threshold.metric, latency);
  if (actual === undefined) {
    const p = threshold.metric.kind === 'percentile' ? threshold.metric.p : '?';
    return { expr, ok: false, actual: null, reason: `p(${p}) was not recorded; pass it in the load probe's percentiles` };
  }
  if (actual === null) {
    return { expr, ok: false, actual: null, reason: `no latency samples: none of the ${latency.requests} requests got a response` };
  }
  if (isLatencyMetric(threshold.metric)) {
    if (latency.errors >= latency.requests) {
      return {
        expr,
        ok: false,
        actual,
        reason: `all ${latency.requests} attempts failed: no successful response to measure (${latencyBasis(latency)})`,
      };
    }
    const ok = compare(actual, threshold.op, threshold.value);
    return {
      expr,
      ok,
      actual,
      reason: ok ? latencyBasis(latency) : `${actual} is not ${threshold.op} ${threshold.value} (${latencyBasis(latency)})`,
    };
  }
  const ok = compare(actual, threshold.op, threshold.value);
  return ok ? { expr, ok, actual } : { expr, ok, actual, reason: `${actual} is not ${threshold.op} ${threshold.value}` };
}

/** Evaluates every expression. Never throws: a malformed one fails with the parse message as its reason. */
export function evaluateThresholds(exprs: readonly ThresholdInput[], latency: LatencySummary | undefined): ThresholdResult[] {
  return exprs.map((input) => {
    try {
      return evaluateThreshold(parseThreshold(input), latency);
    } catch (err) {
      const expr = typeof input === 'string' ? input : String(input?.threshold);
      return { expr, ok: false, actual: null, reason: err instanceof Error ? err.message : String(err) };
    }
  });
}
