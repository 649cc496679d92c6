import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunQueue } from '../../src/daemon/run-queue.js';

/** a queue whose clock stands still at `now`, collecting what falls due; `turn` resolves after the next timer turn */
function collecting(now: number): { queue: RunQueue; due: [number, number][]; turn: () => Promise<void> } {
  const due: [number, number][] = [];
  const queue = new RunQueue(
    () => now,
    (job, at) => due.push([job, at]),
  );
  // a setImmediate queued now runs after the timer phase that follows: every entry already due has fired by then
  const turn = (): Promise<void> => new Promise((resolve) => setTimeout(() => setImmediate(resolve), 0));
  return { queue, due, turn };
}

test('runs come out in time order, equal times in the order they were planned, past the initial capacity', async () => {
  const now = 1_000_000;
  const { queue, due, turn } = collecting(now);
  const times = Array.from({ length: 1_000 }, (_, i) => now - 1 - ((i * 7919) % 97));
  times.forEach((at, job) => queue.at(at, job));
  assert.equal(queue.length, 1_000);
  await turn();
  assert.equal(due.length, 1_000, 'everything due was fired in one turn');
  const expected = times.map((at, job) => [job, at] as [number, number]).sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  assert.deepEqual(due, expected);
  assert.equal(queue.length, 0);
});

test('a run not yet due waits for its time', async () => {
  const started = Date.now();
  const fired: number[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const queue = new RunQueue(Date.now, (job) => {
    fired.push(job);
    done();
  });
  queue.at(started + 60_000, 3);
  queue.at(started + 10, 1);
  await finished;
  assert.deepEqual(fired, [1]);
  assert.ok(Date.now() - started >= 9, `fired after ${Date.now() - started} ms`);
  assert.equal(queue.length, 1);
  queue.clear();
});

test('clear() drops every planned run: one planned after it, for later, is the first to fire', async () => {
  const now = Date.now();
  const fired: number[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const queue = new RunQueue(
    () => now,
    (job) => {
      fired.push(job);
      done();
    },
  );
  queue.at(now + 20, 2);
  queue.clear();
  assert.equal(queue.length, 0);
  // had the cleared run stayed, it would come out first: it is due earlier
  queue.at(now + 21, 9);
  await finished;
  assert.deepEqual(fired, [9]);
});

test('a handler may plan the next run, and one already due fires in the same turn', async () => {
  const now = 5_000;
  const due: number[] = [];
  const queue: RunQueue = new RunQueue(
    () => now,
    (job) => {
      due.push(job);
      if (job < 3) queue.at(now - 1, job + 1);
    },
  );
  queue.at(now - 10, 0);
  queue.at(now + 60_000, 99);
  await new Promise((resolve) => setTimeout(() => setImmediate(resolve), 0));
  assert.deepEqual(due, [0, 1, 2, 3]);
  assert.equal(queue.length, 1, 'the later run is still planned');
  queue.clear();
});

test('a run planned by a handler for later does not hold back an earlier one already planned', async () => {
  const started = Date.now();
  const fired: [number, number][] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const queue: RunQueue = new RunQueue(Date.now, (job) => {
    fired.push([job, Date.now() - started]);
    if (job === 1 && fired.length === 1) queue.at(Date.now() + 5_000, 1);
    if (job === 2) done();
  });
  queue.at(started + 5, 1);
  queue.at(started + 40, 2);
  await finished;
  queue.clear();
  assert.deepEqual(
    fired.map(([job]) => job),
    [1, 2],
  );
  assert.ok(fired[1][1] < 2_500, `the earlier run waited for the later one: fired at ${fired[1][1]} ms`);
});
