/**
 * Issue 5 acceptance 5 through real `probe daemon` processes: the daemon is SIGKILLed at 20+ random moments while
 * the API flips between faults and health, each time restarted on the same state directory. The state always
 * loads, and the webhook receives every message, in order, none twice except the one re-send a kill between the
 * receiver's answer and our fsync can cause — byte-identical under the same Idempotency-Key.
 * Replay a failure with CRASH_SEED=<the printed seed>.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';
import { parseFault } from '../../src/demo/faults.js';
import { parseState, type IncidentState } from '../../src/incidents/state.js';
import { STATE_FILE } from '../../src/incidents/store.js';
import { signBody } from '../../src/notify/sinks/webhook.js';
import { seededRandom } from '../../src/support/random.js';
import { killOnExit, startDaemon, type DaemonProcess } from '../daemon/harness.js';
import { waitFor } from '../helpers/prometheus-server.js';
import { fastDaemonYaml } from './fast-daemon.js';
import { startReceiver, type Receiver } from './receiver.js';

const KILLS = 21;
const MAX_KILL_DELAY_MS = 1_500;
const SECRET = 'crash-test-secret';
const SEED = Number(process.env['CRASH_SEED'] ?? Math.floor(Math.random() * 2 ** 31));

const configFor = (api: SimulatedApi, receiver: Receiver, stateDir: string): string =>
  fastDaemonYaml({
    target: api.url,
    stateDir,
    incidents: 'verifyWindow: 1500ms',
    notify: [`{ type: webhook, url: ${JSON.stringify(receiver.url)}, secret: ${SECRET}, retry: { initial: 100ms, max: 500ms } }`],
  });

describe('crash safety of the daemon process (issue 5 acceptance 5)', { concurrency: false }, () => {
  let api: SimulatedApi;
  let receiver: Receiver;
  let stateDir: string;
  let daemon: DaemonProcess | undefined;
  const t0 = Date.now();
  let completed = 0;
  const steps: string[] = [];
  const trace = (what: string): number => steps.push(`${((Date.now() - t0) / 1000).toFixed(1)}s ${what}`);

  before(async () => {
    api = await startSimulatedApi({ port: 0 });
    receiver = await startReceiver();
    stateDir = join(mkdtempSync(join(tmpdir(), 'rp-e2e-crash-')), 'state');
  });
  after(async () => {
    killOnExit(daemon);
    await receiver.close();
    await api.close();
  });

  /** Fault → a new incident pages (sometimes a worse fault on top) → healthy → every paged incident resolved. */
  async function activity(random: () => number, stop: () => boolean): Promise<void> {
    const PHASE_MS = 30_000;
    const resolvedAll = (): boolean => {
      const opened = new Set(receiver.received.filter((m) => m.body.kind === 'open').map((m) => m.body.incidentId));
      const resolved = new Set(receiver.received.filter((m) => m.body.kind === 'resolve').map((m) => m.body.incidentId));
      return [...opened].every((id) => resolved.has(id));
    };
    do {
      const known = new Set(receiver.received.map((m) => m.body.incidentId));
      const first = random() < 0.5 ? 'errors=0.3' : 'outage';
      api.setFault(parseFault(first));
      trace(`fault ${first}`);
      await receiver.waitFor((m) => m.body.kind === 'open' && !known.has(m.body.incidentId), PHASE_MS, `a new incident under ${first}`);
      if (first !== 'outage') {
        const from = receiver.received.length;
        api.setFault(parseFault('outage'));
        await receiver.waitFor((m) => m.body.severity === 'P0' && receiver.received.indexOf(m) >= from, PHASE_MS, 'a P0 page after the outage began');
      }
      api.setFault(parseFault('none'));
      trace('fault none');
      await receiver.waitFor(() => resolvedAll(), PHASE_MS, 'every paged incident resolved');
      completed += 1;
    } while (!stop());
  }

  /** Starts a daemon on the shared state directory and checks the state loaded. */
  async function restart(round: number): Promise<DaemonProcess> {
    const started = await startDaemon(configFor(api, receiver, stateDir));
    daemon = started;
    await started.waitFor((l) => l.msg === 'first evaluation done: ready', 15_000, `readiness (round ${round})`);
    assert.ok(!started.output().includes('RP_ERR_STATE_CORRUPT'), `round ${round}: the state did not load:\n${started.output()}`);
    const { status, text } = await started.get('/api/incidents');
    assert.equal(status, 200, `round ${round}: /api/incidents: ${text}`);
    return started;
  }

  /** The kill moment: a random delay, or (a third of the time) the instant the receiver answers a delivery. */
  function killMoment(random: () => number): Promise<string> {
    const delay = Math.round(random() * MAX_KILL_DELAY_MS);
    const onDelivery = random() < 1 / 3;
    const from = receiver.received.length;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(`${delay} ms`), delay);
      if (!onDelivery) return;
      receiver
        .waitFor((m) => receiver.received.indexOf(m) >= from, delay, 'a delivery')
        .then(
          () => (clearTimeout(timer), resolve('on delivery')),
          () => undefined,
        );
    });
  }

  test(`${KILLS} SIGKILLs during activity: the state always loads; every message arrives once, in order`, async (t) => {
    t.diagnostic(`seed ${SEED} (replay with CRASH_SEED=${SEED})`);
    const killRandom = seededRandom(SEED);
    let killsDone = false;
    const cycles = activity(seededRandom(SEED ^ 0x9e3779b9), () => killsDone);
    cycles.catch(() => undefined); // awaited below; keeps a failure from being reported as unhandled meanwhile
    try {
      for (let round = 0; round < KILLS; round++) {
        const running = await restart(round);
        trace(`kill ${round + 1} (${await killMoment(killRandom)})`);
        await running.stop('SIGKILL');
      }
      killsDone = true;
      // incidents must move on across restarts, not only once a daemon finally lives long enough
      assert.ok(completed >= 2, `only ${completed} open → resolve cycles completed while the daemon was being killed`);

      // the last daemon finishes the work: the activity ends healthy with every incident resolved
      const last = await restart(KILLS);
      await cycles;
      await waitFor(
        'an empty outbox and no open incident',
        async () => {
          const depth = await last.metric('probe_notify_outbox_depth', {});
          const list = JSON.parse((await last.get('/api/incidents')).text) as { open: number };
          return depth === 0 && list.open === 0 ? true : undefined;
        },
        { timeoutMs: 15_000, everyMs: 100 },
      );
      const stopped = await last.stop('SIGTERM');
      assert.equal(stopped.code, 0, last.output());

      const parsed = parseState(JSON.parse(readFileSync(join(stateDir, STATE_FILE), 'utf8')));
      assert.ok(parsed.ok, 'the final state loads');
      const state: IncidentState = parsed.state;
      const resends = checkDeliveries(receiver, state);
      t.diagnostic(
        `${completed} activity cycles, ${state.incidents.length} incidents, ${state.sequence} messages, ${resends} re-sends (same event id, same bytes) after ${KILLS} kills`,
      );
    } finally {
      killsDone = true;
      t.diagnostic(steps.join(' | '));
    }
  });
});

/** The receiver's view against the final state; returns how many messages arrived more than once. */
function checkDeliveries(receiver: Receiver, state: IncidentState): number {
  const first = new Map<string, string>();
  const arrivals: { eventId: string; sequence: number; incidentId: string; kind: string }[] = [];
  for (const { headers, body } of receiver.received) {
    const bytes = JSON.stringify(body);
    assert.match(body.eventId ?? '', /^INC-.+\.\d+$/, `a message without an event id: ${bytes}`);
    assert.equal(headers['idempotency-key'], body.eventId, 'the Idempotency-Key is the event id');
    // the signature covers the bytes sent: matching it proves `bytes` is exactly what went over the wire
    assert.equal(headers['x-radar-signature'], signBody(SECRET, bytes), `signature of ${body.eventId}`);
    const seen = first.get(body.eventId);
    if (seen === undefined) {
      first.set(body.eventId, bytes);
      arrivals.push(body);
    } else assert.equal(bytes, seen, `${body.eventId} was sent again as a different message`);
  }
  const resends = receiver.received.length - arrivals.length;
  assert.ok(resends <= KILLS, `${resends} re-sends for ${KILLS} kills: more than one per kill`);

  assert.ok(
    state.incidents.length >= 3 && state.sequence >= 8,
    `too little activity to prove anything: ${state.incidents.length} incidents, ${state.sequence} messages`,
  );
  // one sink, one attempt in flight, FIFO outbox: first arrivals are the global sequence 1..N with no gap
  const sequence = arrivals.map((a) => a.sequence);
  assert.deepEqual(
    sequence,
    Array.from({ length: state.sequence }, (_, i) => i + 1),
    'nothing lost, nothing out of order',
  );

  for (const incident of state.incidents) {
    const mine = arrivals.filter((a) => a.incidentId === incident.id);
    const numbers = mine.map((a) => Number(a.eventId.slice(a.eventId.lastIndexOf('.') + 1)));
    const kinds = mine.map((a) => a.kind);
    const story = kinds.join(', ');
    assert.deepEqual(
      numbers,
      Array.from({ length: incident.notifySeq }, (_, i) => i + 1),
      `${incident.id}: its messages in order (${story})`,
    );
    assert.equal(incident.status, 'RESOLVED', `${incident.id} still open`);
    assert.equal(kinds[0], 'open', `${incident.id} starts with its trigger (${story})`);
    assert.equal(kinds.filter((k) => k === 'open').length, 1, `${incident.id}: one trigger (${story})`);
    assert.equal(kinds.at(-1), 'resolve', `${incident.id} ends with its resolve (${story})`);
    assert.equal(kinds.filter((k) => k === 'resolve').length, 1, `${incident.id}: one resolve (${story})`);
  }
  // a daemon that lost its state would open a second incident for an outage that already had one
  for (const a of state.incidents) {
    for (const b of state.incidents) {
      if (a === b || a.family !== b.family || a.openedAt > b.openedAt) continue;
      assert.ok((a.resolvedAt ?? Infinity) <= b.openedAt, `${a.id} and ${b.id} (${a.family}) were open at the same time`);
    }
  }
  const paged = new Set(arrivals.map((a) => a.incidentId));
  for (const id of paged)
    assert.ok(
      state.incidents.some((i) => i.id === id),
      `${id} was paged but the state does not record it`,
    );
  return resends;
}
