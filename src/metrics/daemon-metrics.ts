/**
 * The daemon's /metrics. Blackbox-compatible names where they overlap (probe_success, probe_duration_seconds,
 * probe_http_status_code, probe_http_duration_seconds{phase}), plus what blackbox cannot offer: run counters by
 * result, a request-duration histogram, a bounded failure reason, rolling-window gauges, scheduler health.
 * Labels are only probe name, kind, phase, result, reason (an error code) and severity: never a URL or message.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { SEVERITIES, type ProbeResult, type Severity } from '../model/types.js';
import { HTTP_PHASES, httpDataOf } from '../model/results.js';
import { LabelledHistogram, Scalar } from './exposition.js';
import { SeriesExporter } from './series.js';
import type { RollingWindows } from './windows.js';
import { runThrough, SLICE_ITEMS, type Sliced } from '../support/slices.js';

const RESULTS = ['pass', 'fail', 'error', 'skipped'] as const;

/**
 * A probe seen so far: its kind, its failure reason, and its `{ probe, kind }` label set with that set's series key
 * (two objects kept per probe, not rebuilt and hashed anew for each of the families every result updates).
 */
interface Known {
  kind: string;
  reason: string | null;
  labels: { probe: string; kind: string };
  key: string;
}

export class DaemonMetrics {
  readonly registry = new Registry();
  readonly series: SeriesExporter;
  private readonly known = new Map<string, Known>();
  private readonly windowed = new Set<string>();
  /** per-endpoint request histograms and phase gauges: while the endpoints are few (`metrics.endpointHistogramsUpTo`) */
  private endpointDetail = true;

  /** per-probe families (thousands of series): rendered by hand, see families.ts */
  private readonly families: (Scalar<string> | LabelledHistogram<string>)[] = [];
  private readonly perProbe = <L extends string>(name: string, help: string, type: 'gauge' | 'counter', labelNames: readonly L[]): Scalar<L> => {
    const family = new Scalar<L>(name, help, type, labelNames);
    this.families.push(family);
    return family;
  };
  private readonly gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> =>
    new Gauge({ name, help, labelNames, registers: [this.registry] });
  private readonly counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> =>
    new Counter({ name, help, labelNames, registers: [this.registry] });

  private readonly success = this.perProbe(
    'probe_success',
    "Whether the probe's latest run passed (1) or failed (0); absent while skipped",
    'gauge',
    ['probe', 'kind'],
  );
  private readonly skipped = this.perProbe('probe_skipped', "Whether the probe's latest run was skipped (dependency not configured)", 'gauge', [
    'probe',
    'kind',
  ]);
  private readonly duration = this.perProbe('probe_duration_seconds', "How long the probe's latest run took", 'gauge', ['probe', 'kind']);
  private readonly statusCode = this.perProbe('probe_http_status_code', 'Response status of the latest HTTP request, 0 when none arrived', 'gauge', [
    'probe',
  ]);
  private readonly phase = this.perProbe('probe_http_duration_seconds', 'Duration of each phase of the latest HTTP request', 'gauge', [
    'probe',
    'phase',
  ]);
  private readonly runs = this.perProbe('probe_runs_total', 'Probe runs by result', 'counter', ['probe', 'kind', 'result']);
  private readonly failure = this.perProbe('probe_failure_info', 'Why the probe is failing: its error code (1 while failing)', 'gauge', [
    'probe',
    'reason',
  ]);
  private readonly requests = new LabelledHistogram(
    'probe_request_duration_seconds',
    'Duration of every HTTP request the endpoint probes sent',
    ['probe'],
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  /** one family for the whole daemon: the queue belongs to our connection pool, not to an endpoint */
  private readonly queueSeconds = new Histogram({
    name: 'probe_http_queue_seconds',
    help: "How long each endpoint request waited for a connection of the probe's own pool (not counted in its latency)",
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly severity = this.gauge('probe_severity', 'Current severity from the latest evaluation (1 for the active level)', ['severity']);
  private readonly windowErrors = this.perProbe('probe_window_error_ratio', "Failed share of the endpoint's samples in the rolling window", 'gauge', [
    'probe',
  ]);
  private readonly windowP95 = this.perProbe('probe_window_p95_seconds', "p95 of the endpoint's successful samples in the rolling window", 'gauge', [
    'probe',
  ]);
  private readonly overallErrors = this.gauge('probe_window_overall_error_ratio', 'Failed share of all endpoint samples in the rolling window');
  private readonly overallP95 = this.gauge('probe_window_overall_p95_seconds', 'p95 of all successful endpoint samples in the rolling window');
  private readonly lagSeconds = new Histogram({
    name: 'probe_scheduler_lag_seconds',
    help: 'How late each scheduled run started against its planned time',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly overlaps = this.perProbe(
    'probe_schedule_overlaps_total',
    'Runs skipped because the previous run of the probe was still going',
    'counter',
    ['probe'],
  );
  private readonly evaluations = this.counter('probe_evaluations_total', 'Evaluation cycles (windows, diagnosis, severity, incidents) completed');
  private readonly evaluationSeconds = this.gauge('probe_evaluation_duration_seconds', 'How long the latest evaluation cycle took');
  private readonly reloads = this.counter('probe_config_reloads_total', 'Configuration reloads by result', ['result']);
  private readonly reloadOk = this.gauge('probe_config_last_reload_successful', 'Whether the latest configuration reload succeeded');

  constructor(warn: (message: string, detail: Record<string, unknown>) => void, redact?: (text: string) => string) {
    collectDefaultMetrics({ register: this.registry });
    // Gauges named *_total break `promtool check metrics`; the per-type gauges without the suffix carry the same data.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
      this.registry.removeSingleMetric(name);
    this.families.push(this.requests);
    const taken = new Set(this.families.map((f) => f.name));
    this.series = new SeriesExporter(this.registry, warn, redact, (name) => taken.has(name));
    this.reloadOk.set(1);
    this.setSeverity(null);
  }

  observe(result: ProbeResult): void {
    const { name: probe, kind, status } = result;
    let known = this.known.get(probe);
    if (known && known.kind !== kind) {
      this.forget(probe);
      known = undefined;
    }
    if (!known) this.known.set(probe, (known = this.knownProbe(probe, kind)));
    // the same { probe, kind } label set on every result: its object and series key are built once per probe
    const { labels, key } = known;
    this.runs.inc({ probe, kind, result: status }, 1, `${key}\u0000${status}`);
    this.duration.set(labels, result.durationMs / 1000, key);
    this.skipped.set(labels, status === 'skipped' ? 1 : 0, key);
    if (status === 'skipped') this.success.remove(labels);
    else this.success.set(labels, status === 'pass' ? 1 : 0, key);
    const reason = status === 'fail' || status === 'error' ? (result.error?.code ?? 'unknown') : null;
    const previous = known.reason;
    if (previous && previous !== reason) this.failure.remove({ probe, reason: previous });
    if (reason) this.failure.set({ probe, reason }, 1);
    known.reason = reason;
    if (kind === 'http' && status !== 'skipped') this.observeHttp(result);
    this.series.update(`probe:${probe}`, result.series, { probe });
  }

  private knownProbe(probe: string, kind: string): Known {
    const labels = { probe, kind };
    return { kind, reason: null, labels, key: this.duration.flatKeyOf(labels) };
  }

  /**
   * Per-endpoint histograms (13 series each) and phase gauges (5) are most of a scrape: at 5,000 endpoints 6 of its
   * 8 MB. Past `upTo` endpoints they are left out (and dropped if they were there); the summary gauges stay.
   */
  detailUpTo(endpoints: number, upTo: number): void {
    this.endpointDetail = endpoints <= upTo;
    if (this.endpointDetail) return;
    this.requests.clear();
    this.phase.clear();
  }

  private observeHttp(result: ProbeResult): void {
    const probe = result.name;
    const data = httpDataOf(result);
    const detail = this.endpointDetail;
    this.statusCode.set({ probe }, data?.statusCode ?? 0);
    if (detail) for (const phase of HTTP_PHASES) this.phase.set({ probe, phase }, (data?.phases?.[phase] ?? 0) / 1000);
    for (const sample of data?.samples ?? []) {
      if (detail) this.requests.observe({ probe }, sample.ms / 1000);
      if (sample.queueMs !== undefined) this.queueSeconds.observe(sample.queueMs / 1000);
    }
  }

  /** Removes every series of a probe that no longer exists. */
  forget(probe: string): void {
    const known = this.known.get(probe);
    if (!known) return;
    const { kind, reason } = known;
    this.success.remove({ probe, kind });
    this.skipped.remove({ probe, kind });
    this.duration.remove({ probe, kind });
    for (const result of RESULTS) this.runs.remove({ probe, kind, result });
    if (reason) this.failure.remove({ probe, reason });
    this.statusCode.remove({ probe });
    for (const phase of HTTP_PHASES) this.phase.remove({ probe, phase });
    this.requests.remove({ probe });
    this.overlaps.remove({ probe });
    this.windowErrors.remove({ probe });
    this.windowP95.remove({ probe });
    this.series.forget(`probe:${probe}`);
    this.known.delete(probe);
  }

  probes(): string[] {
    return [...this.known.keys()];
  }

  setWindows(windows: RollingWindows): void {
    runThrough(this.windowsInSlices(windows));
  }

  /** `setWindows`, yielding between slices of probes (support/slices.ts) */
  *windowsInSlices(windows: RollingWindows): Sliced<void> {
    const names = new Set(windows.names());
    for (const probe of this.windowed)
      if (!names.has(probe)) {
        this.windowErrors.remove({ probe });
        this.windowP95.remove({ probe });
      }
    let done = 0;
    for (const probe of names) {
      if (++done % SLICE_ITEMS === 0) yield;
      const stats = windows.stats(probe);
      if (!stats || stats.samples === 0) continue;
      this.windowErrors.set({ probe }, stats.errorRatio);
      if (stats.p95Ms === null) this.windowP95.remove({ probe });
      else this.windowP95.set({ probe }, stats.p95Ms / 1000);
    }
    this.windowed.clear();
    for (const name of names) this.windowed.add(name);
    const overall = windows.overall();
    this.overallErrors.set(overall?.errorRate ?? 0);
    if (overall?.p95Ms != null) this.overallP95.set(overall.p95Ms / 1000);
    else this.overallP95.reset();
  }

  setSeverity(severity: Severity | null): void {
    for (const level of SEVERITIES) this.severity.set({ severity: level }, level === severity ? 1 : 0);
  }

  lag(seconds: number): void {
    this.lagSeconds.observe(seconds);
  }

  overlap(probe: string): void {
    this.overlaps.inc({ probe });
  }

  /** probe_leader is read at scrape time: leadership changes between evaluations */
  leadership(isLeader: () => boolean): void {
    new Gauge({
      name: 'probe_leader',
      help: 'Whether this replica holds the leader lease and sends notifications (1 when election is off)',
      registers: [this.registry],
      collect() {
        this.set(isLeader() ? 1 : 0);
      },
    });
  }

  evaluated(seconds: number): void {
    this.evaluations.inc();
    this.evaluationSeconds.set(seconds);
  }

  reloaded(ok: boolean): void {
    this.reloads.inc({ result: ok ? 'success' : 'failure' });
    this.reloadOk.set(ok ? 1 : 0);
  }

  /**
   * A slice of one family at a time, the event loop served in between: at 20,000 endpoints the per-probe families are
   * several hundred milliseconds of rendering, which every probe due meanwhile would otherwise wait for (scheduler lag).
   */
  async text(): Promise<string> {
    const parts = [await this.registry.metrics()];
    for (const family of this.families) {
      parts.push('\n');
      for (const piece of family.pieces()) {
        await nextTurn();
        parts.push(piece);
      }
    }
    return parts.join('');
  }
}
