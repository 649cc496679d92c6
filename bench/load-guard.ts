/**
 * The load bench's guard: in closed loop, at every injected delay, the load probe must reach at least 0.95 × the
 * requests/s raw autocannon reaches against the same target in the same run (both in this process, one connection
 * per lane, one request on the wire per connection). Pure: the bench prints the verdicts and sets the exit code.
 */
export const MIN_RATIO = 0.95;

export interface ThroughputRow {
  delay: number;
  load: string;
  generator: string;
  rps: number;
  /** CPU time per request in this process: a second opinion that other load on the machine disturbs less */
  cpuUsPerRequest?: number | null;
}

export interface Verdict {
  delay: number;
  ours: number;
  autocannon: number;
  ratio: number;
  ok: boolean;
  cpuUs: { ours: number; autocannon: number } | null;
}

/** the generator the guard holds to the bar: the in-process probe, like with like against in-process autocannon */
export const GUARDED = 'radar-probe';

export function verdicts(rows: readonly ThroughputRow[], minRatio = MIN_RATIO): Verdict[] {
  const closed = rows.filter((r) => r.load === 'closed');
  const delays = [...new Set(closed.map((r) => r.delay))].sort((a, b) => a - b);
  return delays.flatMap((delay) => {
    const ours = closed.find((r) => r.delay === delay && r.generator === GUARDED);
    const autocannon = closed.find((r) => r.delay === delay && r.generator === 'autocannon');
    if (!ours || !autocannon) return [];
    // autocannon without a single answer is a broken run, not a bar anyone can clear
    const ratio = autocannon.rps > 0 ? ours.rps / autocannon.rps : 0;
    const cpuUs = ours.cpuUsPerRequest && autocannon.cpuUsPerRequest ? { ours: ours.cpuUsPerRequest, autocannon: autocannon.cpuUsPerRequest } : null;
    return [{ delay, ours: ours.rps, autocannon: autocannon.rps, ratio, ok: autocannon.rps > 0 && ratio >= minRatio, cpuUs }];
  });
}

export function verdictLines(list: readonly Verdict[], minRatio = MIN_RATIO): string[] {
  return list.map(
    (v) =>
      `${v.ok ? 'PASS' : 'FAIL'} ${v.delay} ms closed loop: radar-probe ${v.ours.toFixed(0)} req/s = ${v.ratio.toFixed(3)} × autocannon ` +
      `${v.autocannon.toFixed(0)} req/s (bar ${minRatio})` +
      (v.cpuUs ? `; CPU ${v.cpuUs.ours.toFixed(1)} vs ${v.cpuUs.autocannon.toFixed(1)} µs/req` : ''),
  );
}
