import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { IncidentManager } from '../../src/incidents/manager.js';
import { silentLogger } from '../../src/support/log.js';
import { testConfig } from '../helpers/context.js';
import { FakeClock, finding, healthy, HOUR, MINUTE, outage, report, sinkYaml, startReceiver, tempDir, type Receiver } from './helpers.js';

type Body = { kind: string; escalation: { level: number; to: string } | null; text: string; severity: string };

describe('escalation timers (fake clock)', () => {
  let hook: Receiver;
  let pager: Receiver;
  let state: { dir: string; remove: () => Promise<void> };
  let clock: FakeClock;
  let manager: IncidentManager;
  const escalations = (r: Receiver): string[] =>
    r.requests
      .map((x) => x.json as Body)
      .filter((b) => b.kind === 'escalate')
      .map((b) => `${b.escalation!.level}:${b.escalation!.to}`);

  beforeEach(async () => {
    hook = await startReceiver();
    pager = await startReceiver();
    state = await tempDir();
    clock = new FakeClock();
    const config = testConfig(
      `incidents: { stateDir: ${JSON.stringify(state.dir)}, openAfter: 1, escalation: { route: { CTO: [pager] } } }\n` +
        sinkYaml([
          { type: 'webhook', url: hook.url },
          { type: 'webhook', name: 'pager', url: pager.url, minSeverity: 'P1' },
        ]),
    );
    manager = await IncidentManager.open({ config, log: silentLogger(), clock });
  });
  afterEach(async () => {
    await manager.close();
    await hook.close();
    await pager.close();
    await state.remove();
  });

  /** moves the clock and lets whatever the timer started finish */
  async function advance(ms: number): Promise<void> {
    clock.advance(ms);
    await manager.idle();
  }

  test('P0 unresolved after 1 h goes to the next level, and on at each further hour up to the CTO', async () => {
    await manager.evaluate(outage());
    await advance(59 * MINUTE);
    assert.deepEqual(escalations(hook), []);
    const escalated = manager.events.next('escalated');
    await advance(MINUTE);
    const [view, step] = await escalated;
    assert.deepEqual(step, { level: 1, to: 'Senior backend engineer' });
    assert.equal(view.escalatedTo, 'Senior backend engineer');
    await advance(HOUR);
    await advance(HOUR);
    await advance(5 * HOUR);
    assert.deepEqual(escalations(hook), ['1:Senior backend engineer', '2:Engineering manager'], 'the CTO level is routed to the pager only');
    // levels without a route go to every sink that takes the severity
    assert.deepEqual(escalations(pager), ['1:Senior backend engineer', '2:Engineering manager', '3:CTO']);
    const body = hook.requests.map((x) => x.json as Body).find((b) => b.kind === 'escalate')!;
    assert.match(body.text, /Escalation: level 2 \(Senior backend engineer\), unresolved for 1 hour 0 minutes/);
    const timeline = manager.list()[0].timeline.filter((e) => e.kind === 'escalated');
    assert.equal(timeline.length, 3);
  });

  test('P1 escalates after 4 h, not before', async () => {
    await manager.evaluate(report([finding('high_error_rate', 'P1')]));
    await advance(4 * HOUR - MINUTE);
    assert.deepEqual(escalations(hook), []);
    await advance(MINUTE);
    assert.deepEqual(escalations(hook), ['1:Senior backend engineer']);
  });

  test('P2 never escalates; a P0 resolved within the hour never escalates', async () => {
    await manager.evaluate(report([finding('high_latency', 'P2')]));
    await advance(10 * HOUR);
    assert.deepEqual(escalations(hook), []);
    await manager.evaluate(outage());
    await advance(10 * MINUTE);
    await manager.evaluate(healthy());
    await advance(40 * MINUTE);
    await manager.evaluate(healthy());
    await advance(2 * HOUR);
    assert.deepEqual(escalations(hook), []);
  });

  test('an upgrade restarts the clock for the new severity', async () => {
    await manager.evaluate(report([finding('high_error_rate', 'P2')]));
    await advance(3 * HOUR);
    await manager.evaluate(report([finding('high_error_rate', 'P0')]));
    await advance(59 * MINUTE);
    assert.deepEqual(escalations(hook), []);
    await advance(MINUTE);
    assert.deepEqual(escalations(hook), ['1:Senior backend engineer']);
  });

  test('escalation survives a restart (the next level is in the state file)', async () => {
    await manager.evaluate(outage());
    await advance(HOUR);
    await manager.close();
    manager = await IncidentManager.open({
      config: testConfig(`incidents: { stateDir: ${JSON.stringify(state.dir)}, openAfter: 1 }\n${sinkYaml([{ type: 'webhook', url: hook.url }])}`),
      log: silentLogger(),
      clock,
    });
    await advance(HOUR);
    assert.deepEqual(escalations(hook), ['1:Senior backend engineer', '2:Engineering manager']);
  });
});
