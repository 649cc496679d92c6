/**
 * How sure a verdict is. An error rate read from a few samples is a guess; the Wilson score interval says how wide
 * the guess is, and a verdict is sure when the whole interval falls in the band the severity table puts it in.
 */

export type ConfidenceLevel = 'high' | 'medium' | 'low';

export interface FindingConfidence {
  level: ConfidenceLevel;
  /** where the figures come from: endpoint samples, the load run, the daemon's window, or Prometheus (real traffic) */
  source: 'samples' | 'load' | 'window' | 'prometheus';
  /** requests counted (abandoned ones excluded); null when the source gives a ratio only (Prometheus) */
  samples: number | null;
  failures: number | null;
  /** the error rate the verdict read, as a ratio */
  errorRate?: number;
  /** 95 % Wilson score interval of that error rate, as ratios */
  interval?: { low: number; high: number };
  /** one sentence: why this level */
  basis: string;
}

const Z95 = 1.959964;

/** Wilson score interval: unlike p ± z·√(p(1−p)/n) it stays inside 0..1 and is honest at 0 and at few samples. */
export function wilsonInterval(failures: number, samples: number, z = Z95): { low: number; high: number } {
  if (samples <= 0) return { low: 0, high: 1 };
  const p = failures / samples;
  const z2 = z * z;
  const denominator = 1 + z2 / samples;
  const centre = (p + z2 / (2 * samples)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / samples + z2 / (4 * samples * samples))) / denominator;
  const round = (v: number): number => Math.round(v * 1e6) / 1e6;
  return { low: round(Math.max(0, centre - half)), high: round(Math.min(1, centre + half)) };
}

/** "12 of 600 failed" */
export function countText(failures: number, samples: number): string {
  return `${failures} of ${samples} failed`;
}

export function percent(ratio: number): string {
  const value = ratio * 100;
  return `${value < 10 ? value.toFixed(1) : value.toFixed(0)} %`;
}
