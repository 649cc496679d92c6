/**
 * `--baseline FILE --max-regression PCT`: compare this run's p95 with an earlier `--json` result and fail when it
 * regressed by more than PCT percent. The comparison is reported like a threshold.
 */
import { UsageError, errorMessage } from '../model/errors.js';
import type { RunReport, ThresholdResult } from '../model/types.js';
import { readBoundedFile } from '../support/bounded-file.js';

/** An earlier `--json` result is kilobytes; a bound keeps a wrong path (a log, a device) from being read whole. */
const MAX_BASELINE_BYTES = 16 * 1_048_576;

export const DEFAULT_MAX_REGRESSION_PCT = 20;

function invalid(why: string): UsageError {
  return new UsageError('RP_ERR_USAGE', `baseline: ${why}; expected an earlier \`probe --scenario latency --json\` result`);
}

/** The baseline's p95 in ms, after checking the document is a `--json` result with a latency block. */
export function baselineP95(baseline: unknown): number {
  if (baseline === null || typeof baseline !== 'object' || Array.isArray(baseline)) throw invalid('not a JSON object');
  const latency = (baseline as { latency?: unknown }).latency;
  if (latency === undefined) throw invalid('no "latency" block (was it recorded by a scenario that runs load?)');
  if (latency === null || typeof latency !== 'object' || Array.isArray(latency)) throw invalid('"latency" is not an object');
  const p95 = (latency as { p95Ms?: unknown }).p95Ms;
  if (p95 === null) throw invalid('"latency.p95Ms" is null (the baseline run had no latency samples)');
  if (typeof p95 !== 'number' || !Number.isFinite(p95) || p95 <= 0)
    throw invalid(`"latency.p95Ms" is not a positive number (got ${JSON.stringify(p95)})`);
  return p95;
}

/** Reads and parses a baseline file; UsageError with the path on a missing or malformed file. */
export async function readBaselineFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readBoundedFile(path, MAX_BASELINE_BYTES);
  } catch (err) {
    throw new UsageError('RP_ERR_USAGE', `--baseline "${path}" could not be read: ${errorMessage(err)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError('RP_ERR_USAGE', `--baseline "${path}" is not valid JSON: ${errorMessage(err)}`);
  }
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * ok when current p95 ≤ baseline p95 × (1 + maxRegressionPct/100). `actual` is the regression in percent (negative
 * when faster). Throws UsageError on a malformed baseline or limit; a run without p95 fails (no samples).
 */
export function compareBaseline(current: RunReport, baseline: unknown, maxRegressionPct: number = DEFAULT_MAX_REGRESSION_PCT): ThresholdResult {
  if (typeof maxRegressionPct !== 'number' || !Number.isFinite(maxRegressionPct) || maxRegressionPct < 0) {
    throw new UsageError('RP_ERR_USAGE', `--max-regression must be a percentage of 0 or more, got ${String(maxRegressionPct)}`);
  }
  const before = baselineP95(baseline);
  const expr = `p95 regression<=${maxRegressionPct}% vs baseline`;
  const now = current.latency?.p95Ms;
  if (now === null || now === undefined) {
    return { expr, ok: false, actual: null, reason: `no samples: this run has no p95 to compare with the baseline's ${before} ms` };
  }
  const regressionPct = round(((now - before) / before) * 100);
  const ok = now <= before * (1 + maxRegressionPct / 100);
  const comparison = `p95 ${now} ms vs baseline ${before} ms (${regressionPct >= 0 ? '+' : ''}${regressionPct} %)`;
  return ok
    ? { expr, ok, actual: regressionPct, reason: comparison }
    : { expr, ok, actual: regressionPct, reason: `${comparison} regressed more than ${maxRegressionPct} %` };
}
