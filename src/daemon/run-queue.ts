/**
 * Every planned run of the interval jobs behind one timer: a binary min-heap of (time, order, job) in typed arrays.
 * A timer per run, or per slot of the clock, kept one `Timeout`, its callback's closure and context, boxed times and
 * one of Node's timer lists per distinct delay alive for a whole interval: at 20,000 endpoints about a dozen heap
 * objects per endpoint that every full collection marks, and that every run promoted out of the young generation.
 * Runs due at the same time start in the order they were planned, in one turn of the event loop.
 */
export type DueHandler = (job: number, at: number) => void;

const earlier = (at: number, order: number, otherAt: number, otherOrder: number): boolean => at < otherAt || (at === otherAt && order < otherOrder);

export class RunQueue {
  private times = new Float64Array(64);
  /** planning order, so runs due at the same time keep it (a heap alone is not stable) */
  private orders = new Float64Array(64);
  private jobs = new Int32Array(64);
  private size = 0;
  private planned = 0;
  private timer: NodeJS.Timeout | undefined = undefined;
  /** the time the timer is armed for */
  private timerAt = Infinity;

  constructor(
    private readonly now: () => number,
    private readonly onDue: DueHandler,
  ) {}

  get length(): number {
    return this.size;
  }

  /** plans `job` at `at` (epoch ms); `onDue(job, at)` is called then, with everything else due by that time */
  at(at: number, job: number): void {
    if (this.size === this.times.length) this.grow();
    let i = this.size++;
    const order = this.planned++;
    // sift up: the new entry's parent moves down while it is due later
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(at, order, this.times[parent], this.orders[parent])) break;
      this.move(parent, i);
      i = parent;
    }
    this.times[i] = at;
    this.orders[i] = order;
    this.jobs[i] = job;
    if (at < this.timerAt) this.arm(at);
  }

  /** drops every planned run */
  clear(): void {
    this.size = 0;
    this.planned = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private readonly due = (): void => {
    // what the timer was armed for is due even when the wall clock reads a little earlier than the timer's clock
    const until = Math.max(this.timerAt, this.now());
    this.timer = undefined;
    this.timerAt = Infinity;
    while (this.size > 0 && this.times[0] <= until) {
      const at = this.times[0];
      const job = this.jobs[0];
      this.popRoot();
      // a handler may plan more runs (its next one) or clear the queue: both are safe between pops
      this.onDue(job, at);
    }
    // a handler that planned a later run armed the timer for it: the earliest planned run decides
    if (this.size > 0 && this.times[0] < this.timerAt) this.arm(this.times[0]);
  };

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(this.due, Math.max(0, at - this.now()));
  }

  private popRoot(): void {
    const last = --this.size;
    if (last === 0) return;
    const at = this.times[last];
    const order = this.orders[last];
    const job = this.jobs[last];
    let i = 0;
    // sift down: the earlier child moves up while it is due before the entry taken from the end
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && earlier(this.times[child + 1], this.orders[child + 1], this.times[child], this.orders[child])) child++;
      if (!earlier(this.times[child], this.orders[child], at, order)) break;
      this.move(child, i);
      i = child;
    }
    this.times[i] = at;
    this.orders[i] = order;
    this.jobs[i] = job;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.orders[to] = this.orders[from];
    this.jobs[to] = this.jobs[from];
  }

  private grow(): void {
    const size = this.times.length * 2;
    const times = new Float64Array(size);
    const orders = new Float64Array(size);
    const jobs = new Int32Array(size);
    times.set(this.times);
    orders.set(this.orders);
    jobs.set(this.jobs);
    this.times = times;
    this.orders = orders;
    this.jobs = jobs;
  }
}
