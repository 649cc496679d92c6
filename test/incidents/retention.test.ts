/** Resolved incidents stay 90 days by default (the status page lists that long), and their number is capped. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { incidentsSchema } from '../../src/config/sections/incidents.js';
import { emptyState, pruneResolved } from '../../src/incidents/state.js';
import type { Incident } from '../../src/incidents/types.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

/** only what pruning reads */
const incident = (id: string, resolvedDaysAgo: number | null): Incident =>
  ({ id, resolvedAt: resolvedDaysAgo === null ? null : NOW - resolvedDaysAgo * DAY }) as Incident;

describe('resolved-incident retention', () => {
  test('the defaults keep 90 days and at most 200 resolved incidents', () => {
    const defaults = incidentsSchema.parse({});
    assert.equal(defaults.keepResolved, 90 * DAY);
    assert.equal(defaults.maxResolved, 200);
  });

  test('age first, then the oldest beyond the cap; open incidents and undelivered ones stay', () => {
    const state = emptyState();
    state.incidents = [incident('open', null), incident('d1', 1), incident('d2', 2), incident('d3', 3), incident('d89', 89), incident('d91', 91)];
    state.outbox = [{ notification: { incidentId: 'd89' } } as (typeof state.outbox)[number]];
    const gone = pruneResolved(state, NOW, 90 * DAY, 2);
    assert.deepEqual(gone.sort(), ['d3', 'd91']);
    assert.deepEqual(
      state.incidents.map((i) => i.id),
      ['open', 'd1', 'd2', 'd89'],
      'd89 is beyond the cap but its message is still queued',
    );
  });

  test('without a cap only age counts', () => {
    const state = emptyState();
    state.incidents = [incident('d30', 30), incident('d100', 100)];
    assert.deepEqual(pruneResolved(state, NOW, 90 * DAY), ['d100']);
  });
});
