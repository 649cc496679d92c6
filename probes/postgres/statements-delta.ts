/** pg_stat_statements counters are cumulative; the change between two snapshots is what ran in between. */
import type { ProbeMemory } from '../types.js';

export interface StatementCounters {
  calls: number;
  totalMs: number;
}

export interface StatementsSnapshot {
  server: string;
  takenAt: number;
  counters: ReadonlyMap<string, StatementCounters>;
}

export interface RankedStatement extends StatementCounters {
  key: string;
  meanMs: number;
}

const MEMORY_KEY = 'postgres.statements';

function isSnapshot(value: unknown): value is StatementsSnapshot {
  const v = value as Partial<StatementsSnapshot> | null;
  return typeof v?.server === 'string' && typeof v.takenAt === 'number' && v.counters instanceof Map;
}

/** The previous snapshot, unless it was taken of another server (the config changed between runs). */
export function readSnapshot(memory: ProbeMemory, server: string): StatementsSnapshot | undefined {
  const value = memory.get(MEMORY_KEY);
  return isSnapshot(value) && value.server === server ? value : undefined;
}

export function writeSnapshot(memory: ProbeMemory, snapshot: StatementsSnapshot): void {
  memory.set(MEMORY_KEY, snapshot);
}

/**
 * Top `limit` statements by mean time over the window. Without a previous snapshot the window is all time. A counter
 * that went down was reset or evicted and re-added, so everything it holds is new.
 */
export function rankStatements(
  current: ReadonlyMap<string, StatementCounters>,
  previous: StatementsSnapshot | undefined,
  limit: number,
): RankedStatement[] {
  const ranked: RankedStatement[] = [];
  for (const [key, now] of current) {
    const before = previous?.counters.get(key);
    const reset = !before || now.calls < before.calls;
    const calls = reset ? now.calls : now.calls - before.calls;
    const totalMs = reset ? now.totalMs : Math.max(0, now.totalMs - before.totalMs);
    if (calls > 0) ranked.push({ key, calls, totalMs, meanMs: totalMs / calls });
  }
  return ranked.sort((a, b) => b.meanMs - a.meanMs).slice(0, limit);
}
