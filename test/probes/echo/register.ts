/** The test kind's registration: one registry line and its scenario-table rows, exactly what a real kind adds. */
import { PROBE_KINDS } from '../../../probes/registry.js';
import { registerScenario } from '../../../src/runbook/scenarios.js';
import { echoProbe } from './index.js';

PROBE_KINDS.register(echoProbe);

registerScenario('echo', {
  description: 'the test kind, answering',
  thresholds: [],
  load: false,
  specs: (p) => [p.probe('echo', 'echo', { message: 'hello' })],
});
registerScenario('echo-fail', {
  description: 'the test kind, failing with a finding',
  thresholds: [],
  load: false,
  specs: (p) => [p.probe('echo', 'echo', { message: 'broken on purpose', fail: true })],
});
registerScenario('echo-bad-params', {
  description: 'a plan the kind schema rejects',
  thresholds: [],
  load: false,
  specs: (p) => [p.probe('echo', 'echo', { message: 42 })],
});
