/** The errors scenario reads the rate itself, not only its band: 5 % reads as 5 %, with its 95 % interval (issue 12 item 9). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runScenarioInProcess } from './harness.js';
import { startWorld } from './world.js';

for (const rate of [0.05, 0.02]) {
  test(`errors=${rate} × errors reports an error rate near ${rate * 100} % with an interval that holds it`, async () => {
    const world = await startWorld({ fault: `errors=${rate}`, scenario: 'errors', exit: 1, severity: 'P3', cause: 'high_error_rate' });
    try {
      const run = await runScenarioInProcess(['--scenario', 'errors', '--config', world.configPath, '--json']);
      const finding = run.report?.findings.find((f) => f.cause === 'high_error_rate');
      assert.ok(finding?.confidence, JSON.stringify(run.report?.findings));
      const { errorRate, interval, samples } = finding.confidence;
      assert.ok(samples !== null && samples >= 400, `samples ${samples}`);
      assert.ok(errorRate !== undefined && Math.abs(errorRate - rate) < rate / 5, `read ${errorRate}`);
      assert.ok(interval && interval.low <= rate && rate <= interval.high && interval.low >= 0.01, JSON.stringify(interval));
    } finally {
      await world.close();
    }
  });
}
