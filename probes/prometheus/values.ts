/** Turns an instant-query result into one number: vectors are combined, NaN and ±Inf are not numbers we report. */

export type Combine = 'max' | 'sum';

export type InstantValue = { ok: true; value: number | null; series: number; note?: string } | { ok: false; message: string };

function sampleOf(value: unknown): number | undefined {
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const text: unknown = value[1];
  if (typeof text !== 'string') return undefined;
  // Prometheus writes infinities as "+Inf"/"-Inf", which Number() does not read
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

export function instantValue(data: unknown, combine: Combine): InstantValue {
  const { resultType, result } = (data ?? {}) as { resultType?: unknown; result?: unknown };
  let samples: number[];
  if (resultType === 'scalar') {
    const v = sampleOf(result);
    samples = v === undefined ? [] : [v];
  } else if (resultType === 'vector' && Array.isArray(result)) {
    samples = result.map((s) => sampleOf((s as { value?: unknown } | null)?.value)).filter((v): v is number => v !== undefined);
  } else if (resultType === 'matrix') {
    return { ok: false, message: 'the expression returns a range vector (resultType matrix); an instant query needs e.g. rate(...[$window])' };
  } else {
    return { ok: false, message: `unexpected result type ${JSON.stringify(resultType)}` };
  }
  const finite = samples.filter((v) => Number.isFinite(v));
  let note: string | undefined;
  if (samples.length === 0) note = 'no series (no traffic in the window, or the metric is not scraped)';
  else if (finite.length === 0)
    note = samples.some((v) => v === Infinity) ? 'value is +Inf (above the highest histogram bucket)' : 'value is NaN (no requests in the window)';
  if (finite.length === 0) return { ok: true, value: null, series: samples.length, ...(note ? { note } : {}) };
  const value = combine === 'sum' ? finite.reduce((a, b) => a + b, 0) : Math.max(...finite);
  return { ok: true, value, series: samples.length };
}

export interface AlertState {
  name: string;
  state: string;
  activeAt: string | null;
}

/** The watched alerts in `/api/v1/alerts` (firing or pending); unknown shapes are ignored, not fatal. */
export function watchedAlerts(data: unknown, watched: readonly string[]): AlertState[] {
  const alerts = (data as { alerts?: unknown } | null)?.alerts;
  if (!Array.isArray(alerts)) return [];
  const out: AlertState[] = [];
  for (const a of alerts as { labels?: { alertname?: unknown }; state?: unknown; activeAt?: unknown }[]) {
    const name = a?.labels?.alertname;
    if (typeof name !== 'string' || !watched.includes(name)) continue;
    out.push({ name, state: String(a.state ?? 'unknown'), activeAt: typeof a.activeAt === 'string' ? a.activeAt : null });
  }
  return out;
}
