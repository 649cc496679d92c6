/**
 * One full garbage collection once start-up is over, so the heap a small daemon keeps is the size of what it holds.
 * Start-up (modules, config parsing, schemas, the first round of probes) allocates fast enough that V8 grows the young
 * generation to its maximum (`--max-semi-space-size`), and it is given back only by a full collection at a low
 * allocation rate — which an idle daemon may not run for hours, as its old generation grows slowly. At the default
 * config that is about 11 MB resident: young generation, array buffers, start-up garbage (docs/performance.md
 * "Memory"). The caller decides when a daemon is light enough for it to pay (daemon/daemon.ts).
 */
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Above this much live heap the collection's pause (about 2 ms per MB) buys too little: the heap is mostly data. */
export const SETTLE_UP_TO_BYTES = 64 * 1024 * 1024;

export interface Settled {
  /** main-thread pause of the collection */
  pauseMs: number;
  heapUsedBefore: number;
  heapUsedAfter: number;
  /** committed bytes of the young generation after the collection */
  newSpaceAfter: number;
}

/**
 * `last-resort` is V8's memory-reducing collection (the one it runs before giving up on an allocation): it shrinks
 * the young generation whatever the recent allocation rate, and drops the bytecode of functions not running (compiled
 * again on their next call). A regular one keeps the young generation while start-up's allocations still weigh in
 * V8's allocation-rate estimate, which they do for many seconds.
 */
type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** V8's gc(), without exposing it to the daemon's own context: only a context created while the flag is set gets it. */
function collector(): Collect {
  const exposed = (globalThis as { gc?: Collect }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as Collect;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

/** Collects once when the live heap is small enough for it to matter; null when it is not (nothing done). */
export function settleHeap(upToBytes = SETTLE_UP_TO_BYTES): Settled | null {
  const heapUsedBefore = getHeapStatistics().used_heap_size;
  if (heapUsedBefore > upToBytes) return null;
  const started = performance.now();
  collector()({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  const pauseMs = performance.now() - started;
  const newSpaceAfter = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.physical_space_size ?? 0;
  return { pauseMs, heapUsedBefore, heapUsedAfter: getHeapStatistics().used_heap_size, newSpaceAfter };
}
