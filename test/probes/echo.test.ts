/** A probe kind registered the way real kinds are runs through a scenario and through the daemon. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import './echo/register.js';
import { probeEnvironment } from '../../src/cli/context.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { switchableRedactor } from '../../src/daemon/generation.js';
import { ConfigError } from '../../src/config/errors.js';
import { UsageError } from '../../src/model/errors.js';
import { planScenario } from '../../src/scenarios/plan.js';
import { runScenario } from '../../src/scenarios/run-scenario.js';
import { silentLogger } from '../../src/support/log.js';
import { testConfig } from '../helpers/context.js';

const base = `target: http://127.0.0.1:9\nkubernetes: { enabled: false, namespace: echo-ns }\n`;

async function scenario(name: string, extra = '') {
  const config = testConfig(base + extra);
  const env = probeEnvironment(config, { log: silentLogger() });
  try {
    return (await runScenario({ plan: planScenario(name, config), config, runner: env.runner })).report;
  } finally {
    await env.close();
  }
}

describe('a test-only probe kind', () => {
  test('through a scenario: its result is in the report, and a failure gates the run with its finding', async () => {
    const ok = await scenario('echo');
    assert.deepEqual(
      ok.probes.map((p) => [p.name, p.kind, p.status, p.metrics]),
      [['echo', 'echo', 'pass', { message: 'hello' }]],
    );
    assert.equal(ok.passed, true);
    const failed = await scenario('echo-fail');
    assert.equal(failed.passed, false);
    assert.equal(failed.severity, 'P2');
    const finding = failed.findings.find((f) => f.cause === 'high_error_rate');
    assert.ok(finding, JSON.stringify(failed.findings));
    assert.ok(
      finding.actions.every((a) => !a.includes(' -n ') || a.includes('-n echo-ns')),
      JSON.stringify(finding.actions),
    );
  });

  test('its config section: checked and defaulted by the config schema, handed to the kind as its settings', async () => {
    assert.deepEqual((testConfig(base) as unknown as Record<string, unknown>)['echo'], { prefix: '' });
    const ok = await scenario('echo', 'echo: { prefix: "echo says " }\n');
    assert.deepEqual(
      ok.probes.map((p) => p.metrics),
      [{ message: 'echo says hello' }],
    );
    assert.throws(
      () => testConfig(`${base}echo: { prefix: hi, volume: 11 }\n`),
      (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.includes('echo.volume: unknown key (allowed here: prefix)')),
    );
    assert.throws(
      () => testConfig(`${base}echo: { prefix: ${'x'.repeat(21)} }\n`),
      (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.startsWith('echo.prefix:')),
    );
  });

  test('params its schema rejects fail the plan, before anything runs', () => {
    assert.throws(
      () => planScenario('echo-bad-params', testConfig(base)),
      (err: unknown) => err instanceof UsageError && err.code === 'RP_ERR_CONFIG_INVALID' && /probe echo: echo params\.message/.test(err.message),
    );
  });

  test('through the daemon: a group names its scenario; the result and its finding reach the evaluation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rp-echo-'));
    const config = testConfig(`${base}incidents: { stateDir: ${dir} }\ndaemon: { groups: [{ scenario: echo-fail, interval: 1m }] }\n`);
    const daemon = await Daemon.start({
      config,
      log: silentLogger(),
      redact: switchableRedactor(config, {}),
      env: {},
      listen: false,
      schedule: false,
    });
    try {
      const report = await daemon.runOnce();
      assert.deepEqual(
        report.probes.map((p) => [p.name, p.kind, p.status]),
        [['echo', 'echo', 'fail']],
      );
      assert.ok(
        report.findings.some((f) => f.cause === 'high_error_rate' && f.summary === 'echo: broken on purpose'),
        JSON.stringify(report.findings),
      );
      assert.equal(report.severity, 'P2');
    } finally {
      await daemon.stop();
    }
  });
});
