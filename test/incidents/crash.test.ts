import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { IncidentManager } from '../../src/incidents/manager.js';
import { parseState } from '../../src/incidents/state.js';
import { STATE_FILE } from '../../src/incidents/store.js';
import { createLogger } from '../../src/support/log.js';
import { testConfig } from '../helpers/context.js';
import { healthy, sinkYaml, startReceiver, tempDir, type Receiver } from './helpers.js';

const CHILD = fileURLToPath(new URL('../fixtures/incidents/crash-child.js', import.meta.url));
const KILLS = 21;

type Body = { sequence: number; eventId: string };

describe('crash safety: SIGKILL at random moments', () => {
  let hook: Receiver;
  let state: { dir: string; remove: () => Promise<void> };
  let killRequest: (() => void) | null = null;
  /** messages that reached the receiver before the state file recorded them (must stay empty) */
  const unrecorded: string[] = [];

  before(async () => {
    hook = await startReceiver();
    state = await tempDir('radar-crash-');
    // a flaky sink (1 in 8 requests fails) keeps retries and backlogs in play across the kills
    hook.respond = (request) => {
      const eventId = String(request.headers['idempotency-key']);
      const recorded = (() => {
        try {
          return readFileSync(join(state.dir, STATE_FILE), 'utf8').includes(`"${eventId}"`);
        } catch {
          return false;
        }
      })();
      if (!recorded) unrecorded.push(eventId);
      const answer = Math.random() < 0.125 ? { status: 503 } : { status: 200 };
      if (answer.status === 200 && killRequest) setImmediate(killRequest);
      return answer;
    };
  });
  after(async () => {
    await hook.close();
    await state.remove();
  });

  async function runAndKill(round: number): Promise<void> {
    const child = spawn(process.execPath, [CHILD, state.dir, `${hook.url}/hook`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const kill = (): void => {
      killRequest = null;
      child.kill('SIGKILL');
    };
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', () => resolve());
      child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    // alternate the moment: right after a delivery was acknowledged (the "sent but not yet marked" window),
    // at a random instant, or right at startup
    const mode = round % 3;
    const killed = new Promise<void>((resolve) => {
      const go = (): void => (kill(), resolve());
      if (mode === 0) killRequest = go;
      else setTimeout(go, mode === 1 ? Math.random() * 150 : Math.random() * 5);
    });
    // a delivery may never come if every request fails: fall back to a timed kill
    const fallback = setTimeout(kill, 400);
    await killed.catch(() => undefined);
    await Promise.race([killed, exited]);
    clearTimeout(fallback);
    await exited;
  }

  test(`${KILLS} kills: the state always loads; every message arrives once, in order`, async (t) => {
    const logged: string[] = [];
    const log = createLogger({ destination: new Writable({ write: (c: Buffer, _e, done) => (logged.push(c.toString()), done()) }) });
    const config = testConfig(
      `incidents: { stateDir: ${JSON.stringify(state.dir)}, openAfter: 1, verifyWindow: 25ms }\n${sinkYaml([{ type: 'webhook', url: `${hook.url}/hook`, retry: { initial: '5ms', max: '50ms' } }])}`,
    );
    for (let round = 0; round < KILLS; round++) {
      await runAndKill(round);
      const text = await readFile(join(state.dir, STATE_FILE), 'utf8').catch(() => null);
      if (text !== null) assert.ok(parseState(JSON.parse(text)).ok, `round ${round}: state file valid`);
      // a follower loads without writing anything
      const reader = await IncidentManager.open({ config, log, isLeader: () => false });
      reader.list();
      await reader.close();
    }
    assert.ok(!logged.some((l) => l.includes('RP_ERR_STATE_CORRUPT')), 'no state file was ever unusable');
    assert.deepEqual(unrecorded, [], 'nothing is sent before the state file records it');
    // a final leader finishes the work: recover, resolve, drain the outbox
    hook.respond = () => ({ status: 200 });
    const manager = await IncidentManager.open({ config, log });
    try {
      while (manager.list().some((i) => i.open)) {
        const resolved = manager.events.next('resolved');
        await manager.evaluate(healthy());
        await resolved;
      }
      await manager.idle();
      while (manager.metrics().outboxDepth > 0) {
        await manager.events.next('notified');
        await manager.idle();
      }
      const final = parseState(JSON.parse(await readFile(join(state.dir, STATE_FILE), 'utf8')));
      assert.ok(final.ok);
      const total = final.state.sequence;
      const arrivals = hook.requests.map((r) => (r.json as Body).sequence);
      const firstSeen = arrivals.filter((s, i) => arrivals.indexOf(s) === i);
      assert.ok(total >= 10, `enough activity: ${total} messages`);
      assert.deepEqual(
        firstSeen,
        Array.from({ length: total }, (_, i) => i + 1),
        'nothing lost, in order',
      );
      const duplicates = arrivals.length - firstSeen.length;
      // one sink, one attempt in flight: a kill between "acknowledged" and "marked delivered" can repeat at most
      // that one message, under the same idempotency key, so a receiver that dedupes by key processes each once
      assert.ok(duplicates <= KILLS, `${duplicates} re-sends for ${KILLS} kills`);
      const byId = new Map<string, string>();
      for (const r of hook.requests) {
        const id = String(r.headers['idempotency-key']);
        assert.equal(byId.get(id) ?? r.body, r.body, 'a re-send is byte-identical under the same key');
        byId.set(id, r.body);
      }
      t.diagnostic(`${total} messages, ${duplicates} re-sends (same idempotency key) after ${KILLS} kills`);
    } finally {
      await manager.close();
    }
  });
});
