/** A history store on a temporary directory with a clock the test moves. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryStore, type HistoryOptions } from '../../src/history/store.js';
import { DAY_MS, type HistorySample } from '../../src/history/types.js';

/** 2026-11-30T10:00:00Z: whole days and hours before it are easy to reason about */
export const T0 = Date.UTC(2026, 10, 30, 10);

export interface TestStore {
  store: HistoryStore;
  clock: { now: number };
  dir: string;
  errors: unknown[];
  reopen(): Promise<TestStore>;
  remove(): Promise<void>;
}

export function openTestStore(options: Partial<HistoryOptions> = {}, dir = mkdtempSync(join(tmpdir(), 'rp-history-'))): TestStore {
  const clock = { now: T0 };
  const errors: unknown[] = [];
  const store = HistoryStore.open({
    dir,
    retention: { rawMs: DAY_MS, aggregatesMs: 90 * DAY_MS },
    now: () => clock.now,
    onError: (err) => errors.push(err),
    ...options,
  });
  const self: TestStore = {
    store,
    clock,
    dir,
    errors,
    reopen: async () => {
      await store.close();
      const next = openTestStore(options, dir);
      next.clock.now = clock.now;
      return next;
    },
    remove: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return self;
}

export const sample = (probe: string, t: number, status: HistorySample['status'] = 'pass', durationMs = 10): HistorySample => ({
  probe,
  kind: 'http',
  t,
  status,
  durationMs,
  ...(status === 'fail' || status === 'error' ? { code: 'RP_ERR_CONN_REFUSED' } : {}),
});
