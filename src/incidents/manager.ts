/**
 * The incident engine the daemon drives: `evaluate(report)` once per cycle, `tick()` for timers (it also arms its
 * own timer on the injected clock). Each change is committed to the state file together with the notifications
 * it queued before anything is sent or announced, so a crash never loses or invents a page.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Agent, type Dispatcher } from '../clients/undici.js';
import type { Config } from '../config/schema.js';
import { controlTokens, type ControlToken } from '../config/sections/incidents.js';
import type { Logger } from '../support/log.js';
import { createRedactor, redactDeep, type Redactor } from '../support/redact.js';
import { secretsOf } from '../config/secrets.js';
import { DeliveryPump } from '../notify/delivery.js';
import { Outbox } from '../notify/outbox.js';
import { buildSinks } from '../notify/sinks/from-config.js';
import { atLeast } from '../model/severity.js';
import type { DeadLetter, Sink } from '../notify/types.js';
import type { RunReport, Severity } from '../model/types.js';
import { systemClock, type Clock } from './clock.js';
import type { EscalationPolicy } from './escalation.js';
import { IncidentEvents } from './events.js';
import { splitByScope } from '../runbook/dependencies.js';
import { applyEvaluation, judgedFrom, type Effect } from './lifecycle.js';
import { fromConfig } from './maintenance.js';
import { MaintenanceStore, type MaintenanceChange } from './maintenance-store.js';
import { makeDeliveryHooks } from './manager-delivery.js';
import { earliestDue, planPaging, type PagingContext } from './paging.js';
import { needsPostmortem, renderPostmortem } from './postmortem.js';
import { resolveIfVerified } from './recovery.js';
import { StateDirLock } from './state-lock.js';
import { persistenceIncident, persistenceNotification } from './self-incident.js';
import { cleanReport } from './report-input.js';
import { pruneResolved, type IncidentState } from './state.js';
import { applyNotices, openNotices, pruneNotices, queueNoticeMessage, toNoticeView, type NoticeChange } from './notices.js';
import { readService, type ViewSince } from './reading.js';
import { writeFileAtomic } from './atomic-file.js';
import { compactToFit } from './state-budget.js';
import { StateStore, type LoadResult } from './store.js';
import { FileDocuments, type StateDocuments } from './documents.js';
import { UsageError, errorMessage } from '../model/errors.js';
import { stateDocumentsFor } from './store-from-config.js';
import { DueTimer } from './timer.js';
import type { DependencyNotice, Family, Incident, IncidentView, MaintenanceListing, MaintenanceWindow, NoticeView } from './types.js';
import { toView } from './view.js';
import { WriteHealth, type WriteProblem } from './write-health.js';

export type { Clock } from './clock.js';
export type { IncidentView, NoticeView } from './types.js';

export interface IncidentManagerOptions {
  config: Config;
  log: Logger;
  clock?: Clock;
  /** false → keep a read-only copy of the shared state: open nothing, send nothing */
  isLeader?: () => boolean;
  fetchDispatcher?: Dispatcher;
  /** where the state persists; by default what `incidents.store` says */
  documents?: StateDocuments;
}

export interface IncidentMetrics {
  /** open incidents (one per service episode) by severity */
  openBySeverity: Record<Severity, number>;
  noticesOpen: number;
  notifications: { sink: string; outcome: string; count: number }[];
  outboxDepth: number;
  /** failed writes of the state file since this engine opened */
  stateWriteFailures: number;
  /** set while the state cannot be written (paging continues from memory) */
  stateProblem: WriteProblem | null;
}

export class IncidentManager {
  readonly events = new IncidentEvents();
  readonly sinks: readonly Sink[];
  private readonly clock: Clock;
  private readonly isLeader: () => boolean;
  private readonly policy: EscalationPolicy;
  private readonly outbox = new Outbox(() => this.state.outbox);
  private readonly pump: DeliveryPump;
  private readonly timer: DueTimer;
  private readonly maintenanceStore: MaintenanceStore;
  private readonly ownAgent: Agent | null;
  private readonly shutdown = new AbortController();
  private chain: Promise<unknown> = Promise.resolve();
  private apiWindows: MaintenanceWindow[] = [];
  private wasLeader: boolean;
  private closed = false;
  /** every configured secret and credential-bearing URL part, scrubbed from whatever is stored or served */
  readonly redact: Redactor;
  private selfIncident: Incident | null = null;
  private lock: StateDirLock | null = null;

  private constructor(
    private readonly options: IncidentManagerOptions,
    private readonly store: StateStore,
    private state: IncidentState,
  ) {
    const { config, log } = options;
    this.clock = options.clock ?? systemClock;
    this.isLeader = options.isLeader ?? (() => true);
    this.wasLeader = this.isLeader();
    this.policy = { levels: config.incidents.escalation.levels, after: config.incidents.escalation.after, route: config.incidents.escalation.route };
    this.sinks = buildSinks(config.notify);
    this.redact = createRedactor(secretsOf(config));
    this.maintenanceStore = new MaintenanceStore(store.documents, log);
    this.timer = new DueTimer(this.clock, () => void this.tick().catch((err: unknown) => log.error({ err }, 'incident timer failed')));
    this.ownAgent = options.fetchDispatcher ? null : new Agent({ keepAliveTimeout: 10_000, connections: 8 });
    const dispatcher = options.fetchDispatcher ?? this.ownAgent ?? undefined;
    const hooks = makeDeliveryHooks({
      canSend: () => !this.closed && this.isLeader(),
      state: () => this.state,
      outbox: this.outbox,
      log,
      now: () => this.clock.now(),
      commit: () => this.commit(),
      events: this.events,
      paging: () => this.pagingContext(),
      rescheduled: () => this.schedule(),
      touched: (incident) => this.writePostmortems([incident]),
      firstNotifyWithin: config.incidents.firstNotifyWithin,
    });
    const ctx = { log, dispatcher, now: () => this.clock.now(), signal: this.shutdown.signal, redact: this.redact };
    this.pump = new DeliveryPump(new Map(this.sinks.map((s) => [s.id, s])), this.outbox, ctx, hooks);
  }

  static async open(options: IncidentManagerOptions): Promise<IncidentManager> {
    const dir = resolve(options.config.incidents.stateDir);
    const documents = options.documents ?? (await stateDocumentsFor(options.config));
    let manager: IncidentManager | undefined;
    const health = new WriteHealth(
      documents.location,
      options.log,
      () => (options.clock ?? systemClock).now(),
      (problem) => manager?.persistenceChanged(problem),
    );
    const store = new StateStore(documents, options.log, health);
    const leader = options.isLeader?.() ?? true;
    // with election on, the lease decides who writes; without it, the lock file does (a ConfigMap needs none: a
    // write over a newer state is refused by its resourceVersion and the state reloaded)
    const lock =
      options.config.kubernetes.leaderElection.enabled || options.config.incidents.store !== 'file'
        ? null
        : await StateDirLock.acquire(dir, options.log);
    try {
      manager = new IncidentManager(options, store, (await loadAtStart(store, leader)).state);
    } catch (err) {
      await lock?.release();
      documents.close?.();
      throw err;
    }
    manager.lock = lock;
    manager.adopt();
    manager.checkRoutes();
    // a restart is a fair moment to try a down sink again; the attempt count keeps the backoff growing
    for (const entry of manager.state.outbox) entry.nextAttemptAt = Math.min(entry.nextAttemptAt, manager.clock.now());
    manager.apiWindows = await manager.maintenanceStore.load();
    // the directory may have failed before the engine existed to page about it
    if (health.problem) manager.persistenceChanged(health.problem);
    if (manager.wasLeader) {
      await manager.commit();
      await manager.writePostmortems(manager.state.incidents);
      manager.pump.kick();
      manager.schedule();
    }
    return manager;
  }

  get postmortemDir(): string {
    return join(resolve(this.options.config.incidents.stateDir), 'postmortems');
  }

  /** who may use the control API; empty: it is off */
  get controlTokens(): ControlToken[] {
    return controlTokens(this.options.config.incidents);
  }

  get maintenanceLimits(): { windows: number; maxDuration: number } {
    return this.options.config.incidents.maintenanceLimits;
  }

  /** the engine's clock (the maintenance API resolves relative times with it) */
  now(): number {
    return this.clock.now();
  }

  /** Configuration mistakes that are not fatal: escalation routes naming sinks that do not exist. */
  private checkRoutes(): void {
    const ids = new Set(this.sinks.map((s) => s.id));
    for (const [level, names] of Object.entries(this.policy.route)) {
      if (!this.policy.levels.includes(level))
        this.options.log.warn({ level }, 'incidents.escalation.route names a level that is not in incidents.escalation.levels');
      for (const name of names.filter((n) => !ids.has(n)))
        this.options.log.warn({ level, sink: name, sinks: [...ids] }, 'incidents.escalation.route names an unknown sink');
    }
  }

  /** Queues for sinks no longer configured are dropped, with a log line each. */
  private adopt(): void {
    for (const entry of this.outbox.retain(new Set(this.sinks.map((s) => s.id)))) {
      this.options.log.warn(
        { sink: entry.sink, eventId: entry.notification.eventId },
        'queued notification dropped: its sink is no longer configured',
      );
    }
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private commit(): Promise<void> {
    return this.store.commit(() => this.snapshot());
  }

  /** The state as written, with resolved history dropped early when it outgrows the store's budget. */
  private snapshot(): string {
    const text = redactJson(this.state, this.redact);
    const budget = this.store.documents.stateBudget;
    const size = Buffer.byteLength(text);
    if (size <= budget) return text;
    const dropped = compactToFit(this.state, size - budget);
    for (const id of dropped.incidents) this.pump.forget(id);
    this.options.log.warn(
      { size, budget, where: this.store.where, incidents: dropped.incidents, deadLetters: dropped.deadLetters },
      'incident state is over its size budget: oldest resolved incidents and dead letters dropped early',
    );
    return redactJson(this.state, this.redact);
  }

  /**
   * The state directory stopped (or resumed) taking writes: page about it once per episode, past maintenance
   * windows, and send the all-clear when writes work again. Queued entries go out at once: there is no durable
   * record to wait for.
   */
  private persistenceChanged(problem: WriteProblem | null): void {
    if (this.closed || !this.isLeader()) return;
    if (problem && this.selfIncident) return;
    const incident = problem
      ? persistenceIncident(this.options.config.service, this.store.where, this.store.documents.remedies, problem)
      : this.selfIncident;
    if (!incident) return;
    this.selfIncident = problem ? incident : null;
    const now = this.clock.now();
    this.state.sequence += 1;
    const notification = persistenceNotification(incident, problem ? null : now, this.state.sequence, now);
    const sinks = this.sinks.filter((s) => atLeast('P1', s.minSeverity)).map((s) => s.id);
    const ids = this.outbox.enqueue(notification, sinks, now).map((e) => e.id);
    // the page goes out at once (nothing durable to wait for); the all-clear waits for the write that proves it
    if (problem) this.outbox.committed(ids);
    else void this.commit().then(() => (this.outbox.committed(ids), this.pump.kick()));
    this.options.log.warn(
      { incident: incident.id, sinks, kind: notification.kind },
      problem ? 'self-incident raised: incident state is not durable' : 'self-incident resolved: incident state is durable again',
    );
    this.pump.kick();
  }

  /** Followers re-read the shared files each cycle; a follower that becomes leader continues from them. */
  private async leading(): Promise<boolean> {
    if (this.closed) return false;
    const leader = this.isLeader();
    // a write refused because another replica had written the state means that replica led meanwhile: reload
    if (!leader || !this.wasLeader || this.store.takeSuperseded()) {
      let loaded: LoadResult;
      try {
        loaded = await this.store.load({ readOnly: !leader });
      } catch (err) {
        // acting on a stale copy could open again what the old leader opened last cycle: sit this cycle out, and
        // read again next cycle
        this.options.log.warn({ where: this.store.where, err: errorMessage(err) }, 'incident state could not be read: nothing opened this cycle');
        this.wasLeader = false;
        return false;
      }
      // a follower keeps its last good copy rather than showing nothing while the leader's file is unreadable
      if (leader || loaded.problem === null) this.state = loaded.state;
      this.adopt();
    }
    this.apiWindows = await this.maintenanceStore.load();
    this.wasLeader = leader;
    return leader;
  }

  private windows(): MaintenanceWindow[] {
    return [...fromConfig(this.options.config.incidents.maintenance), ...this.apiWindows];
  }

  private pagingContext(): PagingContext {
    const { incidents } = this.options.config;
    const base = { state: this.state, outbox: this.outbox, sinks: this.sinks, policy: this.policy, windows: this.windows() };
    return { ...base, now: this.clock.now(), updatesUrl: incidents.updatesUrl, verifyWindowMs: incidents.verifyWindow };
  }

  /**
   * One evaluation. `viewSince(t)`, when the caller can give it, evaluates the same probes over only the samples
   * taken after t: recovery and opening are judged on those (see `judgedFrom`), severity and causes on the report.
   */
  evaluate(report: RunReport, viewSince?: ViewSince): Promise<void> {
    return this.serial(async () => {
      if (!(await this.leading())) return;
      const clean = cleanReport(report);
      if (clean.dropped.length > 0) this.options.log.warn({ problems: clean.dropped }, 'report findings ignored: malformed');
      const now = this.clock.now();
      const { config } = this.options;
      const env = {
        now,
        service: config.service,
        openAfter: config.incidents.openAfter,
        verifyWindowMs: config.incidents.verifyWindow,
        policy: this.policy,
      };
      const before = this.lifecycleFingerprint();
      const reading = await readService(clean, judgedFrom(this.state, config.service), viewSince, now);
      const effects = applyEvaluation(this.state, reading, { ...env, newId: (family: Family): string => this.newId(family, now) });
      const notices = applyNotices(this.state, splitByScope(clean.findings).dependency, env);
      await this.apply(effects, this.lifecycleFingerprint() !== before, notices);
    });
  }

  tick(): Promise<void> {
    return this.serial(async () => {
      if (!(await this.leading())) return;
      const env = { now: this.clock.now(), verifyWindowMs: this.options.config.incidents.verifyWindow };
      await this.apply(this.state.incidents.flatMap((i) => resolveIfVerified(i, env)));
    });
  }

  /**
   * What an evaluation may change without an effect to show for it: a pending streak, when verification began or
   * was interrupted. Unless committed, a restart would forget them: the openAfter count and the verify window
   * would start over (a daemon restarting more often than the window would never resolve), or an interruption
   * would be lost while an earlier start of verification sits on disk (resolving too early).
   */
  private lifecycleFingerprint(): string {
    return JSON.stringify([
      this.state.pending,
      this.state.incidents.filter((i) => i.status !== 'RESOLVED'),
      openNotices(this.state).map((n) => [n.id, n.severity, n.summary]),
    ]);
  }

  private newId(family: Family, now: number): string {
    this.state.incidentCounter += 1;
    const day = new Date(now).toISOString().slice(0, 10).replace(/-/g, '');
    return `INC-${day}-${String(this.state.incidentCounter).padStart(4, '0')}-${family}`;
  }

  /** Queue → commit → post-mortems → announce → deliver. Nothing leaves the process before the commit. */
  private async apply(effects: Effect[], changed = false, notices: readonly NoticeChange[] = []): Promise<void> {
    const ctx = this.pagingContext();
    const plan = planPaging(ctx, effects);
    for (const change of notices) queueNoticeMessage(ctx, change);
    if (pruneNotices(this.state, ctx.now, this.options.config.incidents.keepResolved)) changed = true;
    const { keepResolved, maxResolved } = this.options.config.incidents;
    const pruned = pruneResolved(this.state, ctx.now, keepResolved, maxResolved);
    for (const id of pruned) this.pump.forget(id);
    const queued = this.outbox.pendingCommit();
    if (changed || notices.length > 0 || plan.touched.size > 0 || pruned.length > 0 || queued.length > 0) await this.commit();
    this.outbox.committed(queued);
    await this.writePostmortems([...plan.touched]);
    const now = this.clock.now();
    const levels = this.policy.levels;
    for (const effect of effects) if (effect.type === 'event') this.events.emit(effect.name, toView(effect.incident, levels, now));
    for (const e of plan.escalations) this.events.emit('escalated', toView(e.incident, levels, now), { level: e.level, to: e.to });
    for (const n of notices)
      this.options.log.info(
        { notice: n.notice.id, dependency: n.notice.dependency, summary: n.notice.summary },
        `dependency notice ${n.change} (not paged)`,
      );
    this.pump.kick();
    this.schedule();
  }

  private async writePostmortems(incidents: readonly Incident[]): Promise<void> {
    const due = incidents.filter(needsPostmortem);
    // a read-only state dir must not stop the announcement and delivery that follow
    if (
      due.length > 0 &&
      !(await mkdir(this.postmortemDir, { recursive: true }).then(
        () => true,
        () => false,
      ))
    )
      return;
    for (const incident of due) {
      const markdown = this.redact(renderPostmortem(incident, this.options.config.incidents.verifyWindow, this.clock.now()));
      await writeFileAtomic(this.postmortemDir, `${incident.id}.md`, markdown).catch((err: unknown) =>
        this.options.log.error({ err, incident: incident.id }, 'post-mortem file could not be written'),
      );
    }
  }

  private schedule(): void {
    if (this.closed || !this.wasLeader) return this.timer.disarm();
    this.timer.arm(earliestDue(this.pagingContext(), this.pump.nextDue()));
  }

  list(): IncidentView[] {
    const now = this.clock.now();
    const open = (i: Incident): number => Number(i.status !== 'RESOLVED');
    return redactDeep(
      [...this.state.incidents].sort((a, b) => open(b) - open(a) || b.openedAt - a.openedAt).map((i) => toView(i, this.policy.levels, now)),
      this.redact,
    );
  }

  /** Dependency notices, open first, newest first. */
  notices(): NoticeView[] {
    const open = (n: DependencyNotice): number => Number(n.status === 'OPEN');
    return [...this.state.notices].sort((a, b) => open(b) - open(a) || b.openedAt - a.openedAt).map(toNoticeView);
  }

  get(id: string): IncidentView | undefined {
    const incident = this.state.incidents.find((i) => i.id === id);
    return incident ? redactDeep(toView(incident, this.policy.levels, this.clock.now()), this.redact) : undefined;
  }

  postmortem(id: string): string | undefined {
    const incident = this.state.incidents.find((i) => i.id === id);
    return incident && needsPostmortem(incident)
      ? this.redact(renderPostmortem(incident, this.options.config.incidents.verifyWindow, this.clock.now()))
      : undefined;
  }

  maintenanceWindows(): MaintenanceListing[] {
    const now = this.clock.now();
    const iso = (ms: number): string => new Date(ms).toISOString();
    const listing = (w: MaintenanceWindow, source: 'config' | 'api'): MaintenanceListing => ({
      id: w.id ?? null,
      source,
      start: iso(w.start),
      end: iso(w.end),
      reason: w.reason,
      by: w.by ?? null,
    });
    return [
      ...fromConfig(this.options.config.incidents.maintenance).map((w) => listing(w, 'config')),
      ...this.apiWindows.map((w) => listing(w, 'api')),
    ].filter((w) => Date.parse(w.end) > now);
  }

  /**
   * Adds a window (any replica may; it goes to the shared maintenance file). Resolves once it is durable, with the
   * window, or with 'full' when maintenanceLimits.windows are already set.
   */
  setMaintenance(window: { start: Date; end: Date; reason: string; by?: string }): Promise<MaintenanceChange> {
    const start = window.start.getTime();
    const end = window.end.getTime();
    if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) {
      this.options.log.error({ code: 'RP_ERR_API_REQUEST' }, 'maintenance window ignored: end must be after start');
      return Promise.resolve({ ok: false, problem: 'unknown' });
    }
    return this.serial(async () => {
      const by = window.by;
      const change = await this.maintenanceStore.add(
        { start, end, reason: window.reason, ...(by ? { by } : {}) },
        this.clock.now(),
        this.maintenanceLimits.windows,
      );
      if (!change.ok) return change;
      this.apiWindows = change.windows;
      this.options.log.info(
        { id: change.window.id, by: by ?? null, reason: window.reason, start: window.start.toISOString(), end: window.end.toISOString() },
        'maintenance window set: incidents are recorded, not paged',
      );
      this.schedule();
      return change;
    });
  }

  /** Ends a window set through the API before its time; paging resumes at once for what is still open. */
  deleteMaintenance(id: string, by: string, reason: string): Promise<MaintenanceChange> {
    return this.serial(async () => {
      const change = await this.maintenanceStore.remove(id, this.clock.now());
      if (!change.ok) return change;
      this.apiWindows = change.windows;
      this.options.log.info({ id, by, reason, end: new Date(change.window.end).toISOString() }, 'maintenance window deleted: paging as usual');
      this.schedule();
      return change;
    });
  }

  /** notifications that will not be sent (rejected, or retry budget spent), newest first */
  deadLetters(): DeadLetter[] {
    return redactDeep([...(this.state.deadLetters ?? [])].reverse(), this.redact);
  }

  metrics(): IncidentMetrics {
    const openBySeverity: Record<Severity, number> = { P0: 0, P1: 0, P2: 0, P3: 0 };
    for (const i of this.state.incidents) if (i.status !== 'RESOLVED') openBySeverity[i.severity] += 1;
    const { failures, problem } = this.store.health;
    return {
      openBySeverity,
      noticesOpen: openNotices(this.state).length,
      notifications: this.pump.counters(),
      outboxDepth: this.outbox.depth(),
      stateWriteFailures: failures,
      stateProblem: problem,
    };
  }

  /** Resolves when the work that can run now has run (tests, orderly shutdown). */
  async idle(): Promise<void> {
    await this.chain;
    await this.pump.idle();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timer.disarm();
    this.shutdown.abort();
    await this.chain;
    await this.pump.idle();
    // retry counters and failure notes are otherwise only written with the next change
    if (this.wasLeader) await this.commit().catch((err: unknown) => this.options.log.error({ err }, 'incident state not written at shutdown'));
    if (this.ownAgent) await this.ownAgent.close().catch(() => undefined);
    this.store.documents.close?.();
    await this.lock?.release();
  }
}

/**
 * A ConfigMap that cannot be read at start-up (RBAC, API down) stops the start with a clear message rather than
 * starting empty: an empty leader would page every open incident again. The pod's restart backoff retries it.
 */
async function loadAtStart(store: StateStore, leader: boolean): Promise<LoadResult> {
  try {
    return await store.load({ readOnly: !leader });
  } catch (err) {
    if (store.documents instanceof FileDocuments) throw err;
    throw new UsageError('RP_ERR_STATE_STORE', `incident state cannot be read from ${store.where}: ${errorMessage(err)}`);
  }
}

/**
 * The state document as written: secrets that reached it (a sink echoing its URL in an error, say) are scrubbed.
 * Redaction only ever replaces text inside a string, but a secret ending in a backslash could cut an escape in
 * two; the rare document that changed is re-checked and, if broken, redacted value by value instead.
 */
function redactJson(state: IncidentState, redact: Redactor): string {
  const text = JSON.stringify(state);
  const clean = redact(text);
  if (clean === text) return text;
  try {
    JSON.parse(clean);
    return clean;
  } catch {
    return JSON.stringify(redactDeep(state, redact));
  }
}
