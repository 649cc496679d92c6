/**
 * The daemon: schedules the probe set, keeps the latest result per probe and the rolling windows, evaluates every
 * `daemon.interval` (diagnosis → severity → incidents), serves it all over HTTP, reloads and stops cleanly.
 * Typed events let tests and the CLI wait for what they need instead of sleeping.
 */
import { EventEmitter, setMaxListeners } from 'node:events';
import { isLoopbackHost } from '../support/hosts.js';
import { HttpResources } from '../clients/http-agent.js';
import type { ProbeMemory } from '../../probes/types.js';
import type { Config } from '../config/schema.js';
import type { ProbeResult, RunReport } from '../model/types.js';
import type { LatestResult } from './evaluate.js';
import { Evaluator } from './evaluation-cycle.js';
import { Generation } from './generation.js';
import { probesPerSecond } from './plan.js';
import { HistoryHolder } from './history.js';
import { IncidentHolder } from './incidents.js';
import { startLeadership, type Leadership } from './leader.js';
import { Heartbeat } from './liveness.js';
import { LatestResults } from './results.js';
import { DaemonMetrics } from '../metrics/daemon-metrics.js';
import type { DaemonEvents, DaemonOptions } from './options.js';
import { Scheduler } from './scheduler.js';
import { startServer, type DaemonSurface, type RunningServer } from '../server/server.js';
import { daemonSurface } from '../server/surface.js';
import { RollingWindows } from '../metrics/windows.js';
import { LoadRunStore } from '../server/load-run-store.js';
import type { mergeShards as MergeShards } from '../report/merge.js';
import { judgeMerged } from '../scenarios/shards.js';
import { redactDeep } from '../support/redact.js';
import { settleHeap } from '../support/heap-settle.js';

/** report/merge.js, loaded when the first shard of a sharded load run arrives (LoadRunStore.ready) */
let mergeShards: typeof MergeShards | undefined;

export type { DaemonEvents, DaemonOptions };

/**
 * The schedules light enough for the settle collection: the default config runs under 1 probe per second, 1,000
 * endpoints every 10 s run 100, where it cost a fifth more CPU per probe (docs/performance.md "Memory").
 */
export const SETTLE_UP_TO_PROBES_PER_SECOND = 10;

export class Daemon extends EventEmitter<DaemonEvents> {
  readonly metrics: DaemonMetrics;
  readonly windows: RollingWindows;
  readonly incidents: IncidentHolder;
  readonly history: HistoryHolder;
  private leadership: Leadership = { isLeader: () => true, stop: async () => undefined };
  url: string | null = null;
  private gen: Generation;
  private readonly evaluator: Evaluator;
  private readonly results: LatestResults;
  private readonly scheduler: Scheduler;
  private readonly http = new HttpResources();
  private readonly memories = new Map<string, ProbeMemory>();
  private readonly stopping = new AbortController();
  private server: RunningServer | null = null;
  private cycleTimer: NodeJS.Timeout | undefined;
  private firstRound = new Set<string>();
  /** the settle collection (support/heap-settle.ts) is due at the next evaluation: the first after start or a reload */
  private settlePending = true;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly heartbeat: Heartbeat;
  readonly loadRuns: LoadRunStore;

  private constructor(private readonly options: DaemonOptions) {
    super();
    const { config, log } = options;
    this.metrics = new DaemonMetrics((message, detail) => log.warn(detail, message), options.redact);
    this.windows = new RollingWindows(config.daemon.window);
    this.incidents = new IncidentHolder(log, () => this.leadership.isLeader());
    this.history = new HistoryHolder(log.child({ component: 'history' }));
    this.results = new LatestResults(this.windows, this.metrics, log, options.redact);
    this.evaluator = new Evaluator({ windows: this.windows, metrics: this.metrics, incidents: this.incidents, log, redact: options.redact });
    this.scheduler = new Scheduler(config.daemon.jitter, {
      onLag: (s) => this.metrics.lag(s),
      onOverlap: (name) => {
        this.metrics.overlap(name);
        log.debug({ probe: name }, 'previous run still going; this run skipped');
        this.emit('overlap', name);
      },
      onError: (name, err) => log.error({ probe: name, err: String(err), code: 'RP_ERR_INTERNAL' }, 'scheduled run failed'),
      onCronMessage: (level, message) => log[level]({ component: 'node-cron' }, message),
      ...(options.random ? { random: options.random } : {}),
    });
    this.gen = this.generation(config);
    this.sizeMetrics();
    this.loadRuns = new LoadRunStore({
      deadlineMs: () => this.gen.config.daemon.loadRunDeadline,
      merge: (inputs) => {
        if (!mergeShards) throw new Error('the merge code is not loaded yet');
        return redactDeep(judgeMerged(mergeShards(inputs, { allowMissing: true }), this.gen.config, this.gen.runner.raise), options.redact);
      },
      // The merge brings the HDR histogram library and its compression: ~7 MB resident that a daemon no sharded
      // load run posts to never needs (docs/performance.md "Memory").
      prepare: async () => {
        mergeShards = (await import('../report/merge.js')).mergeShards;
      },
      onMerged: (view) => {
        this.metrics.series.update('load-runs', this.loadRuns.series(), { probe: 'load-run' });
        const detail = { run: view.run, status: view.status, passed: view.passed, missing: view.missing, error: view.error };
        if (view.passed) log.info(detail, `load run ${view.run}: ${view.status}, passed`);
        else log.warn(detail, `load run ${view.run}: ${view.status}, failed`);
        this.emit('load-run', view);
      },
    });
    this.heartbeat = new Heartbeat(options.now ?? Date.now);
    // every in-flight probe listens on this signal; a thousand of them are expected, not a leak
    setMaxListeners(0, this.stopping.signal);
  }

  static async start(options: DaemonOptions): Promise<Daemon> {
    const daemon = new Daemon(options);
    // Bind first: a port in use fails the start before anything touches the incident state.
    if (options.listen !== false) {
      const { listen, port } = options.config.daemon;
      daemon.server = await startServer(daemon.surface(), { host: listen, port, log: options.log });
      daemon.url = daemon.server.url;
    }
    try {
      daemon.leadership = await startLeadership(options.config, options.log);
      daemon.metrics.leadership(() => daemon.leadership.isLeader());
      await daemon.incidents.open(options.config);
      daemon.history.open(options.config);
    } catch (err) {
      await daemon.leadership.stop();
      await daemon.server?.close();
      throw err;
    }
    await daemon.gen.runner.load(daemon.gen.plan.map((p) => p.spec));
    if (options.schedule !== false) daemon.arm();
    const { listen } = options.config.daemon;
    options.log.info(
      { url: daemon.url, listen, reachable: reachability(listen), probes: daemon.gen.plan.length, interval: options.config.daemon.interval },
      'daemon started',
    );
    return daemon;
  }

  get config(): Config {
    return this.gen.config;
  }

  isReady(): boolean {
    return this.evaluator.report !== null;
  }

  latestReport(): RunReport | null {
    return this.evaluator.report;
  }

  private generation(config: Config): Generation {
    return new Generation(config, {
      http: this.http,
      log: this.options.log,
      redact: this.options.redact,
      env: this.options.env ?? process.env,
      signal: this.stopping.signal,
      memories: this.memories,
    });
  }

  /** Per-endpoint histograms only while the endpoint probes are few enough for a cheap scrape. */
  private sizeMetrics(): void {
    const endpoints = this.gen.plan.filter((p) => p.spec.kind === 'http').length;
    this.metrics.detailUpTo(endpoints, this.gen.config.metrics.endpointHistogramsUpTo);
  }

  /** (Re)starts the schedules and the evaluation cycle for the current generation. */
  private arm(): void {
    const gen = this.gen;
    // Ready after one result from every probe on the evaluation cadence; slower groups report when they get there.
    const cadence = gen.config.daemon.interval;
    this.firstRound = new Set(gen.plan.filter((p) => 'everyMs' in p.schedule && p.schedule.everyMs <= cadence).map((p) => p.spec.name));
    this.scheduler.jitter = gen.config.daemon.jitter;
    this.scheduler.setJobs(
      gen.plan.map((p) => ({
        name: p.spec.name,
        schedule: p.schedule,
        run: async () => {
          const result = await this.gen.runner.run(p.spec);
          if (!this.stopping.signal.aborted && this.gen.names.has(p.spec.name))
            this.record(result, 'everyMs' in p.schedule ? p.schedule.everyMs : undefined);
        },
      })),
    );
    clearInterval(this.cycleTimer);
    this.heartbeat.arm();
    this.cycleTimer = setInterval(() => this.cycleSafely(), gen.config.daemon.interval);
  }

  /** Every planned probe once (cron groups included), then one evaluation. */
  async runOnce(): Promise<RunReport> {
    const results = await this.gen.runner.runAll(this.gen.plan.map((p) => p.spec));
    for (const result of results) this.record(result, undefined);
    return this.cycle();
  }

  private record(result: ProbeResult, everyMs: number | undefined): void {
    const now = Date.now();
    const kept = this.results.record(result, everyMs, now);
    this.history.record(kept, now);
    this.emit('result', kept);
    if (this.firstRound.delete(result.name) && this.firstRound.size === 0 && !this.isReady()) this.cycleSafely();
  }

  private latestInPlanOrder(): LatestResult[] {
    return this.results.inPlanOrder(this.gen.plan);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** From a timer: a failed evaluation is logged and the next one runs on time. */
  private cycleSafely(): void {
    this.cycle()
      .finally(() => this.heartbeat.beat())
      .catch((err: unknown) =>
        this.options.log.error({ err: err instanceof Error ? err.message : String(err), code: 'RP_ERR_INTERNAL' }, 'evaluation failed'),
      );
  }

  /** One evaluation: windows → diagnosis → severity → incidents. Serialized with reloads. */
  cycle(): Promise<RunReport> {
    return this.serial(async () => {
      const first = !this.isReady();
      const latest = [...this.latestInPlanOrder(), ...this.loadRuns.latestResult()];
      const report = await this.evaluator.run(latest, this.gen.config, this.gen.runner.raise);
      // an evaluation of no results says nothing about the service: it leaves no mark on the history bar
      if (report.probes.length > 0) this.history.severity(report.severity, Date.now());
      if (first) {
        this.options.log.info({ url: this.url }, 'first evaluation done: ready');
        this.emit('ready');
      }
      if (this.settlePending) this.settle();
      this.emit('cycle', report);
      return report;
    });
  }

  /**
   * After start-up and each reload, what they allocated is given back (support/heap-settle.ts). Only where the
   * schedule is light: it also drops the compiled code, and a busy daemon would grow its young generation back at
   * once and compile again — CPU spent for memory it uses anyway. Not in a one-shot run.
   */
  private settle(): void {
    this.settlePending = false;
    if (this.options.schedule === false || probesPerSecond(this.gen.plan) > SETTLE_UP_TO_PROBES_PER_SECOND) return;
    const settled = settleHeap();
    if (!settled) return;
    const mb = (bytes: number): number => Math.round(bytes / 10485.76) / 100;
    this.options.log.debug(
      { pauseMs: Math.round(settled.pauseMs), heapUsedMb: mb(settled.heapUsedAfter), youngMb: mb(settled.newSpaceAfter) },
      'start-up garbage collected',
    );
    this.emit('settled', settled);
  }

  /** Validate-then-apply: `load` throws on a bad config and the daemon keeps running on the old one. */
  reload(load: () => Promise<Config>): Promise<boolean> {
    return this.serial(async () => {
      const log = this.options.log;
      const old = this.gen;
      let next: Generation;
      try {
        next = this.generation(await load());
        await next.runner.load(next.plan.map((p) => p.spec));
        await this.incidents.reconfigure(next.config);
      } catch (err) {
        const problems = (err as { problems?: string[] }).problems ?? [err instanceof Error ? err.message : String(err)];
        await this.incidents.reconfigure(old.config).catch(() => undefined);
        log.error(
          { problems, code: (err as { code?: string }).code ?? 'RP_ERR_CONFIG_INVALID' },
          'configuration reload failed; still running on the previous configuration',
        );
        this.metrics.reloaded(false);
        this.emit('reload-failed', problems);
        return false;
      }
      const { listen, port } = next.config.daemon;
      if (listen !== old.config.daemon.listen || port !== old.config.daemon.port)
        log.warn({ listen, port }, 'daemon.listen/port changes take effect on restart; still listening on the old address');
      if (JSON.stringify(next.config.kubernetes.leaderElection) !== JSON.stringify(old.config.kubernetes.leaderElection))
        log.warn('kubernetes.leaderElection changes take effect on restart');
      this.gen = next;
      this.sizeMetrics();
      await this.history.reconfigure(next.config);
      this.results.retain(next.names);
      this.windows.setWindow(next.config.daemon.window);
      this.arm();
      this.metrics.reloaded(true);
      log.info({ probes: next.plan.length, interval: next.config.daemon.interval }, 'configuration reloaded');
      this.emit('reloaded', next.config);
      this.settlePending = true;
      return true;
    });
  }

  /** Stop scheduling, abort in-flight probes, close the server and the incident engine. */
  async stop(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.options.log.info('shutting down');
    clearInterval(this.cycleTimer);
    this.loadRuns.close();
    this.stopping.abort();
    await this.scheduler.stop();
    await this.chain;
    await this.server?.close();
    await this.history.close();
    await this.incidents.close();
    await this.leadership.stop();
    await this.http.close();
    this.options.log.info('stopped');
    this.emit('stopped');
  }

  private surface(): DaemonSurface {
    return daemonSurface({
      metrics: this.metrics,
      incidents: this.incidents,
      history: this.history,
      probes: () => this.gen.plan.map((p) => ({ name: p.spec.name, kind: p.spec.kind })),
      redact: this.options.redact,
      config: () => this.gen.config,
      runner: () => this.gen.runner,
      report: () => this.evaluator.report,
      latest: () => this.latestInPlanOrder(),
      liveness: () => this.heartbeat.problem(this.gen.config.daemon.interval),
      loadRuns: this.loadRuns,
    });
  }
}

/** said in the startup line, so a laptop user knows whether colleagues (or web pages they open) can reach it */
function reachability(listen: string): string {
  if (isLoopbackHost(listen)) return 'this machine only (daemon.listen; set 0.0.0.0 to accept other hosts)';
  return listen === '0.0.0.0' || listen === '::' ? 'every network interface (daemon.listen)' : `the interface of ${listen} (daemon.listen)`;
}
