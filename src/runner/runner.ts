/**
 * Runs probes. The runner owns timeouts and cancellation: every probe gets an AbortSignal that fires at its deadline
 * or on shutdown, and whatever the probe does (resolve, reject, hang) the runner hands back a result on time.
 */
import { performance } from 'node:perf_hooks';
import { EventEmitter } from 'node:events';
import { ProbeError, errorMessage } from '../model/errors.js';
import type { ProbeResult } from '../model/types.js';
import type { FindingBuilder } from '../runbook/finding.js';
import type { HttpResources } from '../clients/http-agent.js';
import type { RunContext, ProbeMemory, ProbeOutcome, ProbeSpec, RegisteredKind } from '../../probes/types.js';

/** After a deadline the probe gets this long to return its own, better-classified result before the runner answers for it. */
const GRACE_MS = 150;

/** Aborts the leftovers of a probe that already answered; one shared reason, no stack trace per probe. */
const RESULT_RETURNED = new ProbeError('RP_ERR_PROBE_ABORTED', 'result already returned');
const RUN_CANCELLED = new ProbeError('RP_ERR_PROBE_ABORTED', 'run cancelled');

export interface RunnerOptions {
  kinds: { get(name: string): RegisteredKind | undefined };
  /** context shared by all probes; signal/timeout/memory are set per probe */
  base: Omit<RunContext, 'signal' | 'timeoutMs' | 'memory'>;
  defaultTimeoutMs: number;
  signal?: AbortSignal;
  /** memory per probe name, kept across runs by the daemon */
  memoryFor?: (spec: ProbeSpec) => ProbeMemory;
}

export interface RunnerEvents {
  'probe:start': [spec: ProbeSpec];
  'probe:end': [result: ProbeResult];
}

export class Runner extends EventEmitter<RunnerEvents> {
  /**
   * The probes in flight, cancelled together when the run's signal aborts. One listener on that signal for all of
   * them, not one each: removing a listener walks the list, which at thousands of probes in flight costs O(n) per probe.
   */
  private readonly live = new Set<Cut>();
  private readonly cancelAll = (): void => {
    for (const cut of this.live) cut(RUN_CANCELLED);
  };

  constructor(private readonly options: RunnerOptions) {
    super();
  }

  /** the shared connection pools, for the blackbox endpoint's single requests */
  get http(): HttpResources {
    return this.options.base.http;
  }

  /** the run's finding builder, for the diagnosis that reads this runner's results */
  get raise(): FindingBuilder {
    return this.options.base.raise;
  }

  /**
   * Loads the code of every kind these specs use. Compiling a module blocks the event loop for hundreds of
   * milliseconds on a busy machine; done while probes are in flight, it would be measured as the latency of every
   * HTTP probe running beside it. Never rejects.
   */
  async load(specs: readonly ProbeSpec[]): Promise<void> {
    await Promise.all([...new Set(specs.map((spec) => spec.kind))].map((kind) => this.options.kinds.get(kind)?.load?.() ?? Promise.resolve()));
  }

  /**
   * All probes at once, once their code is loaded; resolves with one result per spec, in spec order. Never rejects.
   * A spec with `window: 'run'` takes its baseline before the others start and gives its result after they have all
   * ended.
   */
  async runAll(specs: readonly ProbeSpec[], deadlineMs?: number): Promise<ProbeResult[]> {
    await this.load(specs);
    const spanning = new Map(specs.filter((s) => s.window === 'run').map((s) => [s, this.memoryOf(s)]));
    await Promise.all([...spanning].map(([spec, memory]) => this.baseline(spec, memory, deadlineMs)));
    const results = new Map<ProbeSpec, ProbeResult>();
    const runInto = (spec: ProbeSpec): Promise<void> => this.run(spec, deadlineMs, spanning.get(spec)).then((r) => void results.set(spec, r));
    await Promise.all(specs.filter((s) => !spanning.has(s)).map(runInto));
    await Promise.all([...spanning.keys()].map(runInto));
    return specs.map((spec) => results.get(spec)!);
  }

  async run(spec: ProbeSpec, deadlineMs?: number, memory?: ProbeMemory): Promise<ProbeResult> {
    const kind = this.options.kinds.get(spec.kind);
    await kind?.load?.();
    const started = performance.now();
    this.emit('probe:start', spec);
    let outcome: ProbeOutcome;
    if (!kind) {
      outcome = { status: 'skipped', reason: `probe kind "${spec.kind}" is not available in this build` };
    } else {
      outcome = await this.guarded(kind, spec, this.budget(spec, deadlineMs), memory ?? this.memoryOf(spec));
    }
    const result = toResult(spec, outcome, performance.now() - started);
    this.emit('probe:end', result);
    return result;
  }

  /** The first pass of a run-long probe: only what it leaves in its memory counts, so no events and no result. */
  private async baseline(spec: ProbeSpec, memory: ProbeMemory, deadlineMs?: number): Promise<void> {
    const kind = this.options.kinds.get(spec.kind);
    if (kind) await this.guarded(kind, spec, this.budget(spec, deadlineMs), memory);
  }

  private budget(spec: ProbeSpec, deadlineMs?: number): number {
    const budget = spec.timeoutMs ?? this.options.defaultTimeoutMs;
    return Math.max(1, deadlineMs === undefined ? budget : Math.min(budget, deadlineMs - Date.now()));
  }

  private memoryOf(spec: ProbeSpec): ProbeMemory {
    return this.options.memoryFor?.(spec) ?? new Map<string, unknown>();
  }

  private async guarded(kind: RegisteredKind, spec: ProbeSpec, timeoutMs: number, memory: ProbeMemory): Promise<ProbeOutcome> {
    const controller = new AbortController();
    const signal = controller.signal;
    let graceTimer: NodeJS.Timeout | undefined;
    let force = (): void => undefined;
    const forced = new Promise<ProbeOutcome>((resolve) => {
      force = (): void => {
        graceTimer = setTimeout(() => {
          const reason: unknown = signal.reason;
          const info = reason instanceof ProbeError ? reason.toInfo() : { code: 'RP_ERR_PROBE_TIMEOUT' as const, message: 'timed out' };
          resolve({ status: 'error', error: info });
        }, GRACE_MS);
      };
    });
    // Every abort while the probe runs goes through here and arms the grace period: no 'abort' listener on the
    // probe's own signal (an EventTarget listener per probe, registered and removed, was a few percent of its cost).
    const cut: Cut = (reason) => {
      if (signal.aborted) return;
      controller.abort(reason);
      force();
    };
    this.track(cut);
    // one timer per probe, cleared with its result: AbortSignal.timeout's would stay armed for the whole timeout
    const timer = setTimeout(() => cut(new ProbeError('RP_ERR_PROBE_TIMEOUT', `no result within ${timeoutMs} ms`)), timeoutMs);
    const ctx: RunContext = { ...this.options.base, signal, timeoutMs, memory };
    const attempt = Promise.resolve()
      .then(() => kind.run(spec.params, ctx))
      .catch((err: unknown): ProbeOutcome => ({
        status: 'error',
        error: err instanceof ProbeError ? err.toInfo() : { code: 'RP_ERR_PROBE_CRASHED', message: ctx.redact(errorMessage(err)) },
      }));
    try {
      return await Promise.race([attempt, forced]);
    } finally {
      clearTimeout(timer);
      clearTimeout(graceTimer);
      this.untrack(cut);
      // Whatever is still running must stop now: the result has been handed back. Without arming a grace period
      // nobody waits for any more.
      if (!signal.aborted) controller.abort(RESULT_RETURNED);
    }
  }

  /** The run's signal is listened to only while probes are in flight, so a runner left behind holds nothing on it. */
  private track(cut: Cut): void {
    const parent = this.options.signal;
    if (!parent) return;
    if (parent.aborted) return cut(RUN_CANCELLED);
    if (this.live.size === 0) parent.addEventListener('abort', this.cancelAll, { once: true });
    this.live.add(cut);
  }

  private untrack(cut: Cut): void {
    if (this.live.delete(cut) && this.live.size === 0) this.options.signal?.removeEventListener('abort', this.cancelAll);
  }
}

/** aborts one probe's signal with a reason and starts its grace period */
type Cut = (reason: ProbeError) => void;

function whyFailed(outcome: ProbeOutcome): string {
  const summaries = (outcome.findings ?? []).map((f) => `${f.cause}: ${f.summary}`);
  return summaries.length > 0 ? summaries.join('; ') : `${outcome.status} without a stated reason`;
}

function toResult(spec: ProbeSpec, outcome: ProbeOutcome, elapsedMs: number): ProbeResult {
  const result: ProbeResult = {
    name: spec.name,
    kind: spec.kind,
    status: outcome.status,
    durationMs: Math.round(elapsedMs * 1000) / 1000,
    metrics: outcome.metrics ?? {},
  };
  if (outcome.error) result.error = outcome.error;
  if (outcome.reason) result.reason = outcome.reason;
  // A probe that failed on what it found (pods crash-looping) has no error to quote: its findings say why.
  else if (!outcome.error && (outcome.status === 'fail' || outcome.status === 'error')) result.reason = whyFailed(outcome);
  if (outcome.findings?.length) result.findings = outcome.findings;
  if (outcome.details) result.details = outcome.details;
  if (outcome.latency) result.latency = outcome.latency;
  if (outcome.series?.length) result.series = outcome.series;
  if (outcome.data) result.data = outcome.data;
  return result;
}
