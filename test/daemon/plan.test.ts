/** daemon config section and the probe plan: continuous checks by default, load only on a cron or long interval. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/config/load.js';
import { planDaemon } from '../../src/daemon/plan.js';
import { planScenario } from '../../src/scenarios/plan.js';
import { testConfig } from '../helpers/context.js';

const problems = (yaml: string): string[] => {
  try {
    testConfig(yaml);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

test('the default plan: every endpoint once per run, Kubernetes, database, external, Prometheus — and no load', () => {
  const plan = planDaemon(testConfig(''));
  assert.deepEqual(
    plan.map((p) => p.spec.name),
    ['health', 'papers', 'papers-near', 'kubernetes', 'db-connect', 'db-long-queries', 'db-statements', 'db-pool', 'openai', 'github', 'prometheus'],
  );
  assert.ok(plan.every((p) => 'everyMs' in p.schedule && p.schedule.everyMs === 15_000));
  assert.equal(
    plan.some((p) => p.spec.kind === 'load'),
    false,
  );
  const health = plan[0].spec.params as { samples?: number };
  assert.equal(health.samples, undefined, 'samples come from the endpoint (1 by default): the window does the statistics');
});

test('groups: a cron latency group adds the load probe off the event loop; shared probes are not doubled; clashes are renamed', () => {
  const plan = planDaemon(
    testConfig(`
daemon:
  groups:
    - { scenario: continuous, interval: 30s }
    - { scenario: latency, cron: "*/10 * * * *" }
    - { scenario: outage, interval: 1m }
`),
  );
  const load = plan.find((p) => p.spec.kind === 'load')!;
  assert.deepEqual(load.schedule, { cron: '*/10 * * * *' });
  assert.equal((load.spec.params as { offThread?: boolean }).offThread, true);
  const names = plan.map((p) => p.spec.name);
  assert.equal(new Set(names).size, names.length, 'unique names');
  assert.equal(names.filter((n) => n === 'health').length, 1, "outage's health probe is the continuous one");
  assert.ok(names.includes('kubernetes-latency'), names.join(', '));
  assert.deepEqual(plan.find((p) => p.spec.name === 'health')!.schedule, { everyMs: 30_000 });
});

test('bad groups are config errors naming the field', () => {
  assert.match(
    problems('daemon: { groups: [{ scenario: smoke }] }').join('\n'),
    /daemon\.groups\[0\]\.scenario: scenario "smoke" runs the load probe: give its group a cron or an interval of at least 5m/,
  );
  assert.match(problems('daemon: { groups: [{ scenario: latency, interval: 1m }] }').join('\n'), /daemon\.groups\[0\]\.interval: .*at least 5m/);
  assert.deepEqual(problems('daemon: { groups: [{ scenario: latency, interval: 10m }] }'), []);
  assert.match(
    problems('daemon: { groups: [{ scenario: nope }] }').join('\n'),
    /daemon\.groups\[0\]\.scenario: expected "continuous" or a scenario name/,
  );
  assert.match(
    problems('daemon: { groups: [{ scenario: errors, cron: "every tuesday" }] }').join('\n'),
    /daemon\.groups\[0\]\.cron: expected a cron expression/,
  );
  assert.match(problems('daemon: { groups: [{ scenario: errors, cron: "* * * * *", interval: 1m }] }').join('\n'), /set either interval or cron/);
  assert.match(problems('daemon: { interval: 0s }').join('\n'), /^daemon\.interval: must be at least 100ms/m);
  assert.match(problems('daemon: { groups: [] }').join('\n'), /daemon\.groups: expected at least one group/);
});

test('pg_stat_statements: a one-shot latency or full run judges it over its own load; a daemon compares with its previous run', () => {
  const config = testConfig('');
  for (const scenario of ['latency', 'full']) {
    const statements = planScenario(scenario, config).specs.find((s) => s.name === 'db-statements');
    assert.equal(statements?.window, 'run', scenario);
  }
  const daemon = planDaemon(testConfig('daemon: { groups: [{ scenario: continuous }, { scenario: latency, cron: "*/5 * * * *" }] }'));
  assert.ok(daemon.filter((p) => p.spec.kind === 'postgres').every((p) => p.spec.window === undefined));
});
