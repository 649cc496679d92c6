/**
 * The load bench's guard: in closed loop, at every injected delay, the load probe must reach at least 0.95 × the
 * requests/s raw autocannon reaches against the same target in the same run (both in this process, one connection
 * per lane, one request on the wire per connection). Pure: the bench prints the verdicts and sets the exit code.
 *
 * The ratio is the median over rounds of each round's own ratio: in a round the two generators run back to back
 * (in alternating order), so a neighbour that slows the machine for a while slows both sides of that round's
 * ratio, where the ratio of two medians (or of two bests) would compare runs made under different conditions.
 */
export const MIN_RATIO = 0.95;
/**
 * At 0 ms the generator is the bottleneck and shares the cores with the target, so the guard also holds its CPU time
 * per request (median of the rounds) to at most autocannon's: a second bar that neighbours on the machine move far
 * less than throughput. At 20 and 200 ms the target sets the pace and CPU per request is mostly timer noise.
 */
export const MAX_CPU_RATIO_AT_0_MS = 1;

export interface ThroughputRow {
  delay: number;
  load: string;
  generator: string;
  /** the median over rounds */
  rps: number;
  /** requests/s of each round, in round order (the same rounds for every generator at this delay) */
  rounds?: readonly number[];
  /** CPU time per request in this process: a second opinion that other load on the machine disturbs less */
  cpuUsPerRequest?: number | null;
}

export interface Verdict {
  delay: number;
  ours: number;
  autocannon: number;
  ratio: number;
  /** the rounds the ratio is the median of, and their lowest and highest ratio */
  paired: { rounds: number; min: number; max: number } | null;
  ok: boolean;
  cpuUs: { ours: number; autocannon: number } | null;
  /** false when the CPU bar applies (0 ms) and ours costs more per request than autocannon's */
  cpuOk: boolean;
}

/** the generator the guard holds to the bar: the in-process probe, like with like against in-process autocannon */
export const GUARDED = 'radar-probe';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** each round's ours / autocannon, or null when the rounds do not pair up */
function pairedRatios(ours: ThroughputRow, autocannon: ThroughputRow): number[] | null {
  const a = ours.rounds;
  const b = autocannon.rounds;
  if (!a || !b || a.length === 0 || a.length !== b.length) return null;
  // autocannon without a single answer in a round is a broken round, not a bar anyone can clear
  return a.map((rps, i) => (b[i] > 0 ? rps / b[i] : 0));
}

export function verdicts(rows: readonly ThroughputRow[], minRatio = MIN_RATIO): Verdict[] {
  const closed = rows.filter((r) => r.load === 'closed');
  const delays = [...new Set(closed.map((r) => r.delay))].sort((a, b) => a - b);
  return delays.flatMap((delay) => {
    const ours = closed.find((r) => r.delay === delay && r.generator === GUARDED);
    const autocannon = closed.find((r) => r.delay === delay && r.generator === 'autocannon');
    if (!ours || !autocannon) return [];
    const ratios = pairedRatios(ours, autocannon);
    const ratio = ratios ? median(ratios) : autocannon.rps > 0 ? ours.rps / autocannon.rps : 0;
    const paired = ratios ? { rounds: ratios.length, min: Math.min(...ratios), max: Math.max(...ratios) } : null;
    const cpuUs = ours.cpuUsPerRequest && autocannon.cpuUsPerRequest ? { ours: ours.cpuUsPerRequest, autocannon: autocannon.cpuUsPerRequest } : null;
    const cpuOk = delay !== 0 || !cpuUs || cpuUs.ours <= cpuUs.autocannon * MAX_CPU_RATIO_AT_0_MS;
    return [{ delay, ours: ours.rps, autocannon: autocannon.rps, ratio, paired, ok: autocannon.rps > 0 && ratio >= minRatio && cpuOk, cpuUs, cpuOk }];
  });
}

export function verdictLines(list: readonly Verdict[], minRatio = MIN_RATIO): string[] {
  return list.map(
    (v) =>
      `${v.ok ? 'PASS' : 'FAIL'} ${v.delay} ms closed loop: radar-probe ${v.ours.toFixed(0)} req/s = ${v.ratio.toFixed(3)} × autocannon ` +
      `${v.autocannon.toFixed(0)} req/s (bar ${minRatio})` +
      (v.paired ? `; median of ${v.paired.rounds} paired rounds, ${v.paired.min.toFixed(3)}–${v.paired.max.toFixed(3)}` : '') +
      (v.cpuUs ? `; CPU ${v.cpuUs.ours.toFixed(1)} vs ${v.cpuUs.autocannon.toFixed(1)} µs/req` : '') +
      (v.delay === 0 && v.cpuUs ? ` (bar ≤ ${MAX_CPU_RATIO_AT_0_MS} ×${v.cpuOk ? '' : ', over it'})` : ''),
  );
}
