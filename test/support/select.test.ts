import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { selectRanks } from '../../src/support/select.js';

/** a small deterministic generator: the same arrays on every run */
function numbers(seed: number, length: number, distinct: number): Float64Array {
  const out = new Float64Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    out[i] = (x % distinct) / 7;
  }
  return out;
}

describe('selectRanks', () => {
  test('every asked rank holds the value a full sort puts there: random, duplicated, sorted, reversed, tiny arrays', () => {
    const cases: Float64Array[] = [
      numbers(1, 10_000, 1_000_000),
      numbers(2, 10_000, 3),
      numbers(3, 1, 5),
      numbers(4, 2, 5),
      numbers(5, 7, 2),
      Float64Array.from({ length: 5_000 }, (_, i) => i),
      Float64Array.from({ length: 5_000 }, (_, i) => 5_000 - i),
      new Float64Array(100).fill(4.5),
    ];
    for (const values of cases) {
      const n = values.length;
      const sorted = values.slice().sort();
      const ranks = [0.5, 0.9, 0.95, 0.99].map((q) => Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1)));
      const selected = values.slice();
      selectRanks(selected, [...ranks, n - 1]);
      for (const k of [...ranks, n - 1]) assert.equal(selected[k], sorted[k], `rank ${k} of ${n}`);
      assert.deepEqual(selected.slice().sort(), sorted, 'the same values, reordered');
    }
  });
});
