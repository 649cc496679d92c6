import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { IncidentManager } from '../../src/incidents/manager.js';
import { silentLogger } from '../../src/support/log.js';
import { testConfig } from '../helpers/context.js';
import { FakeClock, finding, healthy, report, sinkYaml, startReceiver, tempDir, type Receiver } from './helpers.js';

type Body = { kind: string; template: string; incidentId: string; status: string };

let pager: Receiver;
let notices: Receiver;
let state: { dir: string; remove: () => Promise<void> };
let manager: IncidentManager;
const clock = new FakeClock();

before(async () => {
  [pager, notices, state] = await Promise.all([startReceiver(), startReceiver(), tempDir()]);
  const sinks = sinkYaml([
    { type: 'webhook', name: 'pager', url: pager.url },
    { type: 'webhook', name: 'notices', url: notices.url, notices: true },
  ]);
  const config = testConfig(`incidents: { stateDir: ${JSON.stringify(state.dir)}, openAfter: 2, verifyWindow: 30m }\n${sinks}`);
  manager = await IncidentManager.open({ config, log: silentLogger(), clock });
});
after(async () => {
  await manager.close();
  await Promise.all([pager.close(), notices.close(), state.remove()]);
});

const openAiDown = () => report([finding('external_openai_failure', 'P3', 'OpenAI answering 503')]);

test('a dependency failing on its own check: a notice after openAfter evaluations, sent only to the notices sink, cleared when it answers again', async () => {
  await manager.evaluate(openAiDown());
  assert.equal(manager.notices().length, 0, 'one evaluation is not yet a notice');
  clock.advance(15_000);
  await manager.evaluate(openAiDown());
  await manager.idle();
  const [notice] = manager.notices();
  assert.equal(notice?.dependency, 'openai');
  assert.equal(notice?.open, true);
  assert.equal(manager.metrics().noticesOpen, 1);
  assert.deepEqual(manager.metrics().openBySeverity, { P0: 0, P1: 0, P2: 0, P3: 0 }, 'no incident');
  clock.advance(15_000);
  await manager.evaluate(healthy());
  await manager.idle();
  assert.equal(manager.notices()[0]?.status, 'CLEARED');
  assert.equal(manager.metrics().noticesOpen, 0);
  assert.deepEqual(
    notices.requests.map((r) => `${(r.json as Body).template} ${(r.json as Body).incidentId}`),
    [`DEPENDENCY NOTICE ${notice.id}`, `DEPENDENCY NOTICE CLEARED ${notice.id}`],
  );
  assert.equal(pager.requests.length, 0, 'a sink without notices: true hears nothing');
});

test('a correlated dependency finding is part of the service incident and leads it', async () => {
  const correlated = { ...finding('external_openai_failure', 'P3', 'papers-near failing; OpenAI answering 503'), correlated: true };
  const nearFailing = () =>
    report([
      finding('endpoint_failure', 'P3', 'endpoint /v1/papers/near is failing'),
      correlated,
      finding('external_openai_failure', 'P3', 'OpenAI answering 503'),
    ]);
  await manager.evaluate(nearFailing());
  clock.advance(15_000);
  await manager.evaluate(nearFailing());
  await manager.idle();
  const [incident] = manager.list().filter((i) => i.open);
  assert.equal(incident?.leadingCause, 'external_openai_failure');
  assert.match(incident.impact, /papers-near failing; OpenAI answering 503/);
  assert.equal(incident.findings.filter((f) => f.cause === 'external_openai_failure').length, 1, 'the uncorrelated notice finding stays out of it');
  assert.equal(manager.notices().filter((n) => n.open).length, 1, 'the dependency is still failing on its own check too');
  assert.equal(pager.requests.length, 1);
});
