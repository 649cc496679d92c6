/**
 * The history store as the daemon holds it: opened with the config, reopened when its part of the config changes,
 * fed every probe result and every evaluation's severity. It never throws into the probe loop: a store that cannot
 * open leaves history off (logged), a failed write is logged with its code and counted in a metric, and a file found
 * damaged while in use is moved aside and a new history started, as at open.
 */
import { resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { HistoryStore } from '../history/store.js';
import type { Logger } from '../support/log.js';
import { errorMessage } from '../model/errors.js';
import type { MetricSample, ProbeResult, Severity } from '../model/types.js';

const historyPart = (config: Config): string => JSON.stringify([config.history, config.incidents.stateDir]);

export function historyDir(config: Config): string {
  return resolve(config.history.dir || config.incidents.stateDir);
}

export class HistoryHolder {
  private store: HistoryStore | undefined;
  private openedFor = '';
  /** failures of stores closed by a reload: the metric is a counter and must not go back */
  private earlierFailures = 0;
  /** a failing disk fails every flush: log once a minute, not once a second (the metric counts each) */
  private lastLogged = -Infinity;

  constructor(
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get current(): HistoryStore | undefined {
    return this.store;
  }

  open(config: Config): void {
    this.openedFor = historyPart(config);
    if (!config.history.enabled) return;
    const dir = historyDir(config);
    let opened: HistoryStore | undefined;
    try {
      opened = this.store = HistoryStore.open({
        dir,
        retention: { rawMs: config.history.retention.raw, aggregatesMs: config.history.retention.aggregates },
        now: this.now,
        onError: (err, during) => this.failed(err, during),
        onDamaged: (err) => {
          if (opened) this.damaged(opened, err, config);
        },
      }).start();
    } catch (err) {
      this.log.error({ dir, err: errorMessage(err), code: 'RP_ERR_HISTORY_OPEN' }, 'history store cannot be opened; probes run without history');
      return;
    }
    const movedTo = this.store.movedTo;
    if (movedTo) this.log.error({ dir, movedTo, code: 'RP_ERR_HISTORY_OPEN' }, 'history file was unreadable: moved aside, a new history starts');
    // the first prune right away: a daemon restarted after days off must not carry data past its retention
    void this.store.prune();
  }

  async reconfigure(config: Config): Promise<void> {
    if (historyPart(config) === this.openedFor) return;
    await this.close();
    this.open(config);
  }

  record(result: ProbeResult, t: number): void {
    this.store?.record({
      probe: result.name,
      kind: result.kind,
      t,
      status: result.status,
      durationMs: result.durationMs,
      ...(result.error ? { code: result.error.code } : {}),
    });
  }

  severity(severity: Severity | null, t: number): void {
    this.store?.severity(t, severity);
  }

  samples(): MetricSample[] {
    const store = this.store;
    return [
      {
        name: 'probe_history_write_failures_total',
        help: 'Failed writes of the status history (probing goes on; the history misses those moments)',
        value: this.earlierFailures + (store?.writeFailures ?? 0),
      },
      {
        name: 'probe_history_dropped_total',
        help: 'Results dropped from the history while its writes kept failing',
        value: store?.writer.dropped ?? 0,
      },
      { name: 'probe_history_bytes', help: 'Size of the status history on disk', value: store?.sizeBytes() ?? 0 },
    ];
  }

  async close(): Promise<void> {
    const store = this.store;
    this.store = undefined;
    if (!store) return;
    this.earlierFailures += store.writeFailures;
    await store.close();
  }

  /** Moves the damaged file aside and, unless the store was closed meanwhile (a reload, a stop), starts a new one. */
  private damaged(store: HistoryStore, err: unknown, config: Config): void {
    const movedTo = store.discard();
    const dir = historyDir(config);
    this.log.error(
      { dir, movedTo, err: errorMessage(err), code: 'RP_ERR_HISTORY_OPEN' },
      'history file found damaged while in use: moved aside, a new history starts',
    );
    if (this.store !== store) return;
    this.store = undefined;
    this.earlierFailures += store.writeFailures;
    this.open(config);
  }

  private failed(err: unknown, during: 'write' | 'prune'): void {
    if (during === 'prune') {
      this.log.warn({ err: errorMessage(err), code: 'RP_ERR_HISTORY_WRITE' }, 'history pruning failed; retried at the next round');
      return;
    }
    if (this.now() - this.lastLogged < 60_000) return;
    this.lastLogged = this.now();
    this.log.error(
      { err: errorMessage(err), code: 'RP_ERR_HISTORY_WRITE' },
      'history cannot be written; probes go on, the history misses these moments',
    );
  }
}
