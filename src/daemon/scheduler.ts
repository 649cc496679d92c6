/**
 * Fires jobs on an interval (with jitter) or a cron expression, never running one job twice at once.
 *
 * One queue and one timer for intervals (run-queue.ts): run k of a job is planned at `start + phase + k·interval + jitter`, so there is no
 * drift, the lag against the plan is measurable per run, and jobs sharing an interval get evenly spread phases (as
 * Prometheus spreads scrapes) so a thousand probes are a steady trickle, not a burst each interval. That time is
 * rounded up to the next slot of the clock (at most 250 ms, a twentieth of the interval, about 25 runs; none under
 * 20 ms): runs due in the same slot start in one timer turn and their answers mostly arrive in one turn too. Spread one by one, each probe woke the
 * process on its own, two or three times per run, and at 100 probes a second those wake-ups (timer lists, microtask
 * and tick queues, cold caches) cost more CPU than the probes: 0.75 ms per probe against 0.38 with 250 ms slots. The first run
 * skips the phase and its jitter is capped, so the daemon has results — and is ready — within a second or so. node-cron only for `cron:`
 * groups, where calendar arithmetic (time zones, day-of-week) is what is wanted; both paths share the same overlap
 * guard and lag accounting.
 */
import type { Logger as CronLogger, ScheduledTask } from 'node-cron';
import { nodeCron } from '../support/cron.js';
import type { Schedule } from './plan.js';
import { RunQueue } from './run-queue.js';

/** The first run of every job starts within this (times jitter), whatever its interval: results, and readiness, come fast. */
const FIRST_RUN_SPREAD_MS = 10_000;
/**
 * ...but never faster than this many first runs per second (up to the interval itself): 20,000 endpoints started
 * within one second would queue behind our own connection pool and grow the heap for the rest of the process's life.
 */
const FIRST_RUNS_PER_SECOND = 500;
/** runs are planned on slots of the clock this long at most... */
const MAX_SLOT_MS = 250;
/** ...at most this share of their interval, so a short interval is still spread over many slots... */
const SLOTS_PER_INTERVAL = 20;
/** ...and holding about this many runs: a slot's runs start one after the other in one turn, the last one waits for the rest */
const RUNS_PER_SLOT = 25;
/**
 * Shorter slots are not used: at that rate (over 1,250 runs a second) the process is never idle, a wake-up serves many
 * runs anyway, and a slot only adds its own runs' start to each one's lag (p50 0.4 → 3-5 ms at 20,000 endpoints).
 */
const MIN_SLOT_MS = 20;

/** the slot length for interval jobs starting `runsPerSecond` runs a second in all; 0: exact times */
export function slotMs(everyMs: number, runsPerSecond: number): number {
  const slot = Math.min(MAX_SLOT_MS, everyMs / SLOTS_PER_INTERVAL, (1000 * RUNS_PER_SLOT) / Math.max(runsPerSecond, 1));
  return slot >= MIN_SLOT_MS ? slot : 0;
}

/** `at` rounded up to the next slot boundary of the wall clock, so jobs of every interval share the boundaries */
export const slotOf = (at: number, slot: number): number => (slot > 0 ? Math.ceil(at / slot) * slot : at);

export interface Job {
  name: string;
  schedule: Schedule;
  run(): Promise<unknown>;
}

export interface SchedulerHooks {
  /** seconds between the planned and the actual start of a run */
  onLag?(seconds: number): void;
  /** a run was due while the previous one was still going; it is skipped */
  onOverlap?(name: string): void;
  /** the job threw (jobs are expected not to) */
  onError?(name: string, err: unknown): void;
  /** node-cron's own messages, which it would otherwise print to the console (and into a JSON log stream) */
  onCronMessage?(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
  random?: () => number;
  now?: () => number;
}

interface Armed {
  stop(): void;
}

/** an interval job's plan: its run k is due at `base + phaseMs + k·everyMs` (plus jitter, on its slot) */
interface IntervalPlan {
  job: Job;
  everyMs: number;
  phaseMs: number;
  peers: number;
  slot: number;
  base: number;
  k: number;
}

export class Scheduler {
  private readonly running = new Map<string, Promise<void>>();
  /** the cron jobs' node-cron tasks */
  private armed: Armed[] = [];
  /** the interval jobs, by the index their runs are planned under in `queue` */
  private intervals: IntervalPlan[] = [];
  private readonly queue: RunQueue;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(
    /** fraction of the interval a run may start late; read at every run, so a reload can change it */
    public jitter: number,
    private readonly hooks: SchedulerHooks = {},
  ) {
    this.random = hooks.random ?? Math.random;
    this.now = hooks.now ?? Date.now;
    this.queue = new RunQueue(this.now, (index, plannedAt) => this.due(index, plannedAt));
  }

  /** Replaces every schedule. A run in progress keeps going and still blocks its name from starting again. */
  setJobs(jobs: readonly Job[]): void {
    this.clear();
    const peers = new Map<number, number>();
    for (const job of jobs) if ('everyMs' in job.schedule) peers.set(job.schedule.everyMs, (peers.get(job.schedule.everyMs) ?? 0) + 1);
    let runsPerSecond = 0;
    for (const [every, count] of peers) runsPerSecond += (count * 1000) / every;
    const seen = new Map<number, number>();
    const base = this.now();
    for (const job of jobs) {
      if ('cron' in job.schedule) {
        this.armed.push(this.armCron(job, job.schedule.cron));
        continue;
      }
      const everyMs = job.schedule.everyMs;
      const index = seen.get(everyMs) ?? 0;
      seen.set(everyMs, index + 1);
      const count = peers.get(everyMs)!;
      this.intervals.push({ job, everyMs, phaseMs: (index / count) * everyMs, peers: count, slot: slotMs(everyMs, runsPerSecond), base, k: 0 });
      this.planNext(this.intervals.length - 1);
    }
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  /** Stops planning new runs; resolves when the runs in progress have finished. */
  async stop(): Promise<void> {
    this.clear();
    await Promise.all([...this.running.values()]);
  }

  private clear(): void {
    for (const armed of this.armed) armed.stop();
    this.armed = [];
    this.intervals = [];
    this.queue.clear();
  }

  private due(index: number, plannedAt: number): void {
    const plan = this.intervals[index];
    if (!plan) return;
    this.fire(plan.job, plannedAt);
    // a hook fire() calls (onOverlap, onLag) may have replaced every schedule: the plan at this index is then another's
    if (this.intervals[index] === plan) this.planNext(index);
  }

  private fire(job: Job, plannedAt: number): void {
    if (this.running.has(job.name)) {
      this.hooks.onLag?.(Math.max(0, this.now() - plannedAt) / 1000);
      this.hooks.onOverlap?.(job.name);
      return;
    }
    // The lag is taken when the run itself begins: runs due together are fired in one turn, and each one's start
    // (its request written) comes after the ones fired before it.
    const run = Promise.resolve()
      .then(() => {
        this.hooks.onLag?.(Math.max(0, this.now() - plannedAt) / 1000);
        return job.run();
      })
      .then(
        () => undefined,
        (err: unknown) => this.hooks.onError?.(job.name, err),
      )
      .finally(() => this.running.delete(job.name));
    this.running.set(job.name, run);
  }

  /** plans the next run of an interval job: one queue entry, no timer or closure of its own */
  private planNext(index: number): void {
    const plan = this.intervals[index];
    const { everyMs, phaseMs, base, slot } = plan;
    // Skip slots already in the past (a blocked loop, a suspended host) instead of firing a burst to catch up.
    const behind = Math.floor((this.now() - base - phaseMs) / everyMs);
    if (behind > plan.k) plan.k = behind;
    const spread = plan.k === 0 ? this.firstSpread(plan) : this.jitter * everyMs;
    const plannedAt = slotOf(base + (plan.k === 0 ? 0 : phaseMs + plan.k * everyMs) + this.random() * spread, slot);
    plan.k++;
    this.queue.at(plannedAt, index);
  }

  private firstSpread({ everyMs, peers }: IntervalPlan): number {
    return Math.min(everyMs, Math.max(this.jitter * Math.min(everyMs, FIRST_RUN_SPREAD_MS), (peers / FIRST_RUNS_PER_SECOND) * 1000));
  }

  private armCron(job: Job, expression: string): Armed {
    const say = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string | Error) => this.hooks.onCronMessage?.(level, String(message));
    const logger: CronLogger = { debug: say('debug'), info: say('info'), warn: say('warn'), error: say('error') };
    const task: ScheduledTask = nodeCron().schedule(expression, (context) => this.fire(job, context.date.getTime()), { name: job.name, logger });
    return { stop: () => void task.destroy() };
  }
}
