/**
 * Liveness is the evaluation loop completing cycles, not the process answering HTTP: a wedged loop (a cycle stuck
 * on a hung write, a reload that never finishes) still serves /healthz, and the kubelet should restart it.
 */
export const MISSED_CYCLES = 3;

export class Heartbeat {
  private last: number;
  private armed = false;

  constructor(private readonly now: () => number) {
    this.last = now();
  }

  /** the schedule (re)starts: counting begins afresh */
  arm(): void {
    this.armed = true;
    this.last = this.now();
  }

  beat(): void {
    this.last = this.now();
  }

  /** null while alive; otherwise why not. A daemon that schedules nothing (demo --once) has no loop to watch. */
  problem(intervalMs: number): string | null {
    if (!this.armed) return null;
    const silentMs = this.now() - this.last;
    if (silentMs <= MISSED_CYCLES * intervalMs) return null;
    return `no evaluation cycle completed for ${Math.round(silentMs / 1000)}s (more than ${MISSED_CYCLES} × daemon.interval): the scheduler is wedged`;
  }
}
