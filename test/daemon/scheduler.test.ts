import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Scheduler, slotMs, slotOf } from '../../src/daemon/scheduler.js';

/** A promise plus its resolver, to wait for the n-th run. */
function counter(n: number): { hit(): void; done: Promise<void>; count(): number } {
  let count = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  return { hit: () => ++count === n && resolve(), done, count: () => count };
}

test('interval jobs run repeatedly, each start planned inside its jitter window', async () => {
  const lags: number[] = [];
  const starts: number[] = [];
  const runs = counter(5);
  const scheduler = new Scheduler(0.5, { onLag: (s) => lags.push(s), random: () => 1 });
  const began = Date.now();
  scheduler.setJobs([{ name: 'a', schedule: { everyMs: 40 }, run: async () => (starts.push(Date.now() - began), runs.hit()) }]);
  await runs.done;
  await scheduler.stop();
  // random() = 1 → every run planned at k·40 + 20 ms: no drift, the whole jitter used
  starts.forEach((at, k) => assert.ok(at >= k * 40 + 20 - 2, `run ${k} at ${at} ms`));
  assert.ok(
    lags.every((s) => s < 0.1),
    `lags ${lags.join(', ')}`,
  );
});

test('a run still going when the next is due is skipped and counted, never doubled', async () => {
  let running = 0;
  let maxRunning = 0;
  const overlaps = counter(3);
  const finished = counter(2);
  const scheduler = new Scheduler(0, { onOverlap: (name) => (assert.equal(name, 'slow'), overlaps.hit()) });
  scheduler.setJobs([
    {
      name: 'slow',
      schedule: { everyMs: 20 },
      run: async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 70));
        running--;
        finished.hit();
      },
    },
  ]);
  await overlaps.done;
  await finished.done;
  await scheduler.stop();
  assert.equal(maxRunning, 1);
  assert.ok(overlaps.count() >= 3);
});

test('stop() waits for the run in progress and nothing starts afterwards', async () => {
  let release!: () => void;
  const started = counter(1);
  let runs = 0;
  const scheduler = new Scheduler(0);
  scheduler.setJobs([{ name: 'x', schedule: { everyMs: 10 }, run: () => (runs++, started.hit(), new Promise<void>((r) => (release = r))) }]);
  await started.done;
  let stopped = false;
  const stopping = scheduler.stop().then(() => (stopped = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(stopped, false, 'still waiting for the run');
  release();
  await stopping;
  const after = runs;
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(runs, after);
});

test('setJobs() replaces schedules but a run in progress still blocks its name', async () => {
  let release!: () => void;
  const started = counter(1);
  const overlap = counter(1);
  const scheduler = new Scheduler(0, { onOverlap: () => overlap.hit() });
  scheduler.setJobs([{ name: 'p', schedule: { everyMs: 10 }, run: () => (started.hit(), new Promise<void>((r) => (release = r))) }]);
  await started.done;
  scheduler.setJobs([{ name: 'p', schedule: { everyMs: 10 }, run: async () => assert.fail('must not start while the old run is going') }]);
  await overlap.done;
  assert.equal(scheduler.isRunning('p'), true);
  release();
  await scheduler.stop();
});

test('a job that throws is reported, and the schedule carries on', async () => {
  const errors = counter(2);
  const scheduler = new Scheduler(0, { onError: (name, err) => (assert.equal(name, 'bad'), assert.match(String(err), /boom/), errors.hit()) });
  scheduler.setJobs([{ name: 'bad', schedule: { everyMs: 10 }, run: async () => Promise.reject(new Error('boom')) }]);
  await errors.done;
  await scheduler.stop();
});

test('cron groups fire through node-cron with the same lag accounting', async () => {
  const lags: number[] = [];
  const ran = counter(1);
  const scheduler = new Scheduler(0, { onLag: (s) => lags.push(s) });
  scheduler.setJobs([{ name: 'every-second', schedule: { cron: '* * * * * *' }, run: async () => ran.hit() }]);
  await ran.done;
  await scheduler.stop();
  assert.equal(lags.length >= 1, true);
  assert.ok(lags[0] < 0.5, `cron lag ${lags[0]} s`);
});

test('runs due in the same slot of the clock start in one turn of the event loop, one slot after another', async () => {
  // 100 jobs every second: phases 10 ms apart, slots of 50 ms (a twentieth of the interval), so 5 runs per slot
  let turn = 0;
  let marked = false;
  const turns = new Map<number, number>();
  const runs = counter(200);
  const scheduler = new Scheduler(0, { random: () => 0 });
  const jobs = Array.from({ length: 100 }, (_, i) => ({
    name: `job-${i}`,
    schedule: { everyMs: 1000 },
    run: async () => {
      // a setImmediate runs after every timer due in this turn: runs that see the same `turn` shared one wake-up
      if (!marked) {
        marked = true;
        setImmediate(() => ((marked = false), turn++));
      }
      turns.set(turn, (turns.get(turn) ?? 0) + 1);
      runs.hit();
    },
  }));
  scheduler.setJobs(jobs);
  await runs.done;
  await scheduler.stop();
  // first runs: all in the first slot (no jitter); second runs: 20 slots of 5; one run per turn would be 100+
  assert.ok(turns.size <= 25, `${turns.size} turns for 200 runs: ${[...turns.values()].join(' ')}`);
  assert.equal(Math.max(...turns.values()), 100);
});

test('slots: at most 250 ms, a twentieth of the interval, about 25 runs', () => {
  assert.equal(slotMs(10_000, 100), 250);
  assert.equal(slotMs(1000, 10), 50);
  assert.equal(slotMs(10_000, 500), 50);
  assert.equal(slotMs(10_000, 2000), 0, 'no slots where the process is never idle');
  assert.equal(slotOf(1001, 0), 1001);
  assert.equal(slotOf(1001, 250), 1250);
  assert.equal(slotOf(1250, 250), 1250);
});
