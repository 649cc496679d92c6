/**
 * One timer per slot of the clock, however many runs are due in it, so they all start in one turn of the event loop
 * (why: scheduler.ts). Timers armed one per run at the same moment would still wake the loop several times: their
 * expiries are counted from the millisecond each was armed in.
 */
export class SlotTimers {
  private readonly due = new Map<number, { timer: NodeJS.Timeout; calls: (() => void)[] }>();

  constructor(private readonly now: () => number) {}

  /** calls `fn` at `at` (a slot boundary), with everything else due then, in the order they were added */
  at(at: number, fn: () => void): void {
    const slot = this.due.get(at);
    if (slot) {
      slot.calls.push(fn);
      return;
    }
    const calls = [fn];
    const timer = setTimeout(
      () => {
        this.due.delete(at);
        for (const call of calls) call();
      },
      Math.max(0, at - this.now()),
    );
    this.due.set(at, { timer, calls });
  }

  /** drops every pending slot */
  clear(): void {
    for (const { timer } of this.due.values()) clearTimeout(timer);
    this.due.clear();
  }
}
