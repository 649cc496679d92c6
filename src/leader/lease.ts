/**
 * Leader election over a coordination.k8s.io/v1 Lease. Every replica probes; only the leader opens incidents and
 * notifies. Writes use optimistic concurrency (resourceVersion; a 409 means someone else wrote first: re-read).
 * A follower wakes right when the holder's claim lapses, so a dead leader is replaced within the lease duration.
 * The leader stops calling itself leader at renewTime + duration, the same instant followers may take over.
 */
import { EventEmitter } from 'node:events';
import type { CoordinationV1Api, V1Lease } from '@kubernetes/client-node';
import { call } from '../clients/kubernetes/api.js';
import type { ErrorInfo } from '../model/errors.js';
import { claimSpec, expiresAt, viewOf } from './record.js';

export type LeaseApi = Pick<CoordinationV1Api, 'readNamespacedLease' | 'createNamespacedLease' | 'replaceNamespacedLease'>;

export interface Clock {
  now(): number;
}

export interface LeaseElectorOptions {
  api: LeaseApi;
  namespace: string;
  leaseName: string;
  identity: string;
  leaseDurationMs: number;
  renewEveryMs: number;
  /** defaults to renewEveryMs: a renewal slower than that is as good as lost */
  requestTimeoutMs?: number;
  clock?: Clock;
}

export interface LeaderEvents {
  leading: [];
  /** each successful write of our claim (acquire or renew), with the renewTime written */
  renewed: [at: number];
  'stopped-leading': [reason: string];
  /** the observed holder changed (null: nobody holds the lease) */
  'leader-changed': [holder: string | null];
  /** an API call failed; the elector keeps trying (not named `error`, so an unheard one cannot crash the process) */
  'api-error': [error: ErrorInfo];
}

type Attempt = 'leading' | 'following' | 'conflict' | 'failed';

export class LeaseElector extends EventEmitter<LeaderEvents> {
  private readonly clock: Clock;
  private readonly controller = new AbortController();
  private leading = false;
  private renewedAt = 0;
  private observedHolder: string | null | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<unknown> = Promise.resolve();
  private stopped = false;
  /** when the holder we follow lapses, if that is sooner than the next regular round */
  private nextWake: number | null = null;

  constructor(private readonly options: LeaseElectorOptions) {
    super();
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  get identity(): string {
    return this.options.identity;
  }

  /** True only while our claim is unexpired by our own clock, even if a renewal timer is late. */
  isLeader(): boolean {
    return this.leading && this.clock.now() < this.renewedAt + this.options.leaseDurationMs;
  }

  /** the holder seen at the last read (null: free; undefined: not read yet) */
  holder(): string | null | undefined {
    return this.observedHolder;
  }

  start(): void {
    if (this.stopped || this.timer) return;
    this.schedule(0);
  }

  /** Stops campaigning. `release` clears the holder so another replica takes over at once; false behaves like a crash. */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    const release = options.release ?? true;
    if (!release) this.controller.abort();
    await this.inFlight;
    if (release && this.isLeader()) await this.release();
    this.controller.abort();
    this.stepDown('stopped');
  }

  /** One round: read the lease, then create, renew or take it over when it is free or lapsed. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const run = this.round();
    this.inFlight = run.catch(() => undefined);
    return run;
  }

  private async round(): Promise<boolean> {
    let attempt: Attempt = 'conflict';
    for (let i = 0; i < 3 && attempt === 'conflict' && !this.stopped; i++) attempt = await this.attempt();
    if (attempt === 'leading') return true;
    if (attempt === 'following') this.stepDown(`lease taken by ${this.observedHolder ?? 'another replica'}`);
    else if (!this.isLeader()) this.stepDown('could not renew before the lease expired');
    return this.isLeader();
  }

  private async attempt(): Promise<Attempt> {
    const { api, namespace, leaseName: name } = this.options;
    const now = this.clock.now();
    const read = await this.call('read lease', (o) => api.readNamespacedLease({ namespace, name }, o));
    if (!read.ok && read.status !== 404) return this.failed(read.error);
    const lease = read.ok ? read.value : null;
    const view = lease ? viewOf(lease, this.options.leaseDurationMs) : null;
    if (view) this.observe(view.holder);
    const lapse = view ? expiresAt(view) : null;
    if (view && view.holder !== this.options.identity && lapse !== null && lapse > now) {
      this.nextWake = lapse;
      return 'following';
    }
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace, ...(view?.resourceVersion ? { resourceVersion: view.resourceVersion } : {}) },
      spec: claimSpec(view, lease?.spec, this.options.identity, now, this.options.leaseDurationMs),
    };
    const write = lease
      ? await this.call('update lease', (o) => api.replaceNamespacedLease({ namespace, name, body }, o))
      : await this.call('create lease', (o) => api.createNamespacedLease({ namespace, body }, o));
    if (!write.ok) return write.status === 409 ? 'conflict' : this.failed(write.error);
    this.renewedAt = now;
    this.observe(this.options.identity);
    if (!this.leading) {
      this.leading = true;
      this.emit('leading');
    }
    this.emit('renewed', now);
    return 'leading';
  }

  private call<T>(what: string, run: Parameters<typeof call<T>>[3]) {
    const timeoutMs = this.options.requestTimeoutMs ?? this.options.renewEveryMs;
    return call(`${what} ${this.options.namespace}/${this.options.leaseName}`, this.controller.signal, timeoutMs, run);
  }

  private failed(error: ErrorInfo): Attempt {
    if (!this.stopped) this.emit('api-error', error);
    return 'failed';
  }

  private observe(holder: string | null): void {
    if (holder === this.observedHolder) return;
    this.observedHolder = holder;
    this.emit('leader-changed', holder);
  }

  private stepDown(reason: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.emit('stopped-leading', reason);
  }

  private async release(): Promise<void> {
    const { api, namespace, leaseName: name } = this.options;
    const read = await this.call('read lease', (o) => api.readNamespacedLease({ namespace, name }, o));
    if (!read.ok || read.value.spec?.holderIdentity !== this.options.identity) return;
    const { holderIdentity: _mine, ...rest } = read.value.spec;
    const body: V1Lease = { ...read.value, spec: rest };
    const write = await this.call('release lease', (o) => api.replaceNamespacedLease({ namespace, name, body }, o));
    if (!write.ok) this.emit('api-error', write.error);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.nextWake = null;
      void this.tryAcquireOrRenew().then(() => {
        if (this.stopped) return;
        const renewEvery = this.options.renewEveryMs;
        // A follower that saw the claim lapse sooner than the next regular round wakes just after it.
        const untilLapse = this.nextWake === null ? renewEvery : this.nextWake - this.clock.now() + 5;
        this.schedule(Math.max(5, Math.min(renewEvery, untilLapse)));
      });
    }, delayMs);
    this.timer.unref();
  }
}
