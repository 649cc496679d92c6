/**
 * Work over every probe written once, as a generator that yields between slices, and run two ways: straight through
 * (tests, one-shot views) or with the event loop served between slices (the daemon). At 20,000 endpoints one
 * evaluation or one scrape is 50–200 ms of CPU; in one turn every probe due meanwhile starts that much late.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

export type Sliced<T> = Generator<void, T, void>;

/** items per slice: a few milliseconds of per-probe work */
export const SLICE_ITEMS = 1_000;

export function runThrough<T>(work: Sliced<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

export async function runInSlices<T>(work: Sliced<T>): Promise<T> {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
    await nextTurn();
  }
}

/** `items.map(fn)`, yielding after every `every` items */
export function* mapSliced<A, B>(items: readonly A[], fn: (item: A) => B, every = SLICE_ITEMS): Sliced<B[]> {
  const out: B[] = [];
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % every === 0) yield;
    out.push(fn(items[i]));
  }
  return out;
}
