/** The alert rules: promtool checks and unit tests, and the PrometheusRule staying equal to the rules file. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const rulesFile = join(root, 'k8s/rules/radar-probe.rules.yaml');
const testsFile = join(root, 'k8s/rules/radar-probe.rules.test.yaml');
const run = promisify(execFile);
const promtoolMissing = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).error
  ? 'promtool is not installed (apt-get install prometheus): cannot check the alert rules'
  : false;

interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleGroups {
  groups: { name: string; rules: AlertRule[] }[];
}
interface RuleTests {
  rule_files: string[];
  tests: { name: string; alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

const rules = parse(readFileSync(rulesFile, 'utf8')) as RuleGroups;
const alerts = rules.groups.flatMap((g) => g.rules).filter((r): r is AlertRule & { alert: string } => Boolean(r.alert));
const byName = new Map(alerts.map((a) => [a.alert, a]));

/** Series the daemon exports (DESIGN.md "Metrics"), plus the API's own and Prometheus's `up`. */
const KNOWN_SERIES = new Set([
  'probe_success',
  'probe_duration_seconds',
  'probe_http_status_code',
  'probe_http_duration_seconds',
  'probe_runs_total',
  'probe_failure_info',
  'probe_latency_seconds',
  'probe_error_ratio',
  'probe_incidents_open',
  'probe_notifications_total',
  'probe_notify_outbox_depth',
  'probe_schedule_overlaps_total',
  'probe_scheduler_lag_seconds_bucket',
  'probe_db_up',
  'probe_k8s_pods_ready',
  'probe_github_ratelimit_remaining',
  'probe_ssl_earliest_cert_expiry',
  'api_requests_total',
  'api_request_duration_seconds_bucket',
  'up',
]);

test('k8s/prometheusrule.yaml embeds exactly the groups of k8s/rules/radar-probe.rules.yaml', () => {
  const resource = parse(readFileSync(join(root, 'k8s/prometheusrule.yaml'), 'utf8')) as { apiVersion: string; kind: string; spec: RuleGroups };
  assert.deepEqual([resource.apiVersion, resource.kind], ['monitoring.coreos.com/v1', 'PrometheusRule']);
  assert.deepEqual(resource.spec.groups, rules.groups, 'copy the groups of rules/radar-probe.rules.yaml into prometheusrule.yaml');
});

test("the runbook's alerts are there with its thresholds", () => {
  const highErrorRate = byName.get('HighErrorRate');
  assert.match(highErrorRate?.expr ?? '', /api_requests_total\{status=~"5\.\."\}[\s\S]*api_requests_total[\s\S]*> 0\.05/);
  const slow = byName.get('SlowAPIRequests');
  assert.match(slow?.expr ?? '', /histogram_quantile\(0\.95,[\s\S]*api_request_duration_seconds_bucket[\s\S]*> 0\.5\b/);
  const down = byName.get('APIDown');
  assert.match(down?.expr ?? '', /probe_success\{probe="health"\}\) == 0/);
  assert.equal(down?.for, '1m');
  for (const name of [
    'TLSCertificateExpiringSoon',
    'TLSCertificateExpired',
    'RadarProbeDown',
    'RadarProbeNotificationsFailing',
    'RadarProbeOutboxBacklog',
    'RadarProbeIncidentOpenP0',
  ]) {
    assert.ok(byName.has(name), `${name} is defined`);
  }
});

test('every alert has a severity, a summary, a description and runbook annotations, and reads only known series', () => {
  for (const alert of alerts) {
    assert.match(alert.labels?.severity ?? '', /^(critical|warning|info)$/, `${alert.alert} severity`);
    for (const key of ['summary', 'description', 'runbook']) assert.ok(alert.annotations?.[key], `${alert.alert} annotations.${key}`);
    assert.match(alert.annotations?.runbook_url ?? '', /^https:\/\/\S+#[a-z0-9-]+$/, `${alert.alert} runbook_url`);
    const series = alert.expr.match(/\b(?:probe|api)_[a-z_]+|\bup\b/g) ?? [];
    for (const name of series) assert.ok(KNOWN_SERIES.has(name), `${alert.alert} reads an unknown series ${name}`);
  }
});

test('every alert has a promtool case where it fires and one where it stays quiet', () => {
  const unitTests = parse(readFileSync(testsFile, 'utf8')) as RuleTests;
  assert.deepEqual(unitTests.rule_files, ['radar-probe.rules.yaml']);
  const cases = unitTests.tests.flatMap((t) => t.alert_rule_test ?? []);
  for (const alert of alerts) {
    const mine = cases.filter((c) => c.alertname === alert.alert);
    assert.ok(
      mine.some((c) => (c.exp_alerts ?? []).length > 0),
      `${alert.alert} has a firing case`,
    );
    assert.ok(
      mine.some((c) => (c.exp_alerts ?? []).length === 0),
      `${alert.alert} has a quiet case`,
    );
  }
});

describe('promtool', { skip: promtoolMissing }, () => {
  test('check rules accepts the rules file', async () => {
    const { stdout } = await run('promtool', ['check', 'rules', rulesFile]);
    assert.match(stdout, new RegExp(`SUCCESS: ${alerts.length} rules found`));
  });

  test('test rules passes', async () => {
    const { stdout } = await run('promtool', ['test', 'rules', testsFile]);
    assert.match(stdout, /SUCCESS/);
  });

  test('test rules fails when a threshold drifts (the unit tests can fail)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'radar-rules-'));
    try {
      const drifted = (await readFile(rulesFile, 'utf8')).replace('> 0.05', '> 0.5');
      await writeFile(join(dir, 'radar-probe.rules.yaml'), drifted);
      await writeFile(join(dir, 'radar-probe.rules.test.yaml'), await readFile(testsFile, 'utf8'));
      const failed = await run('promtool', ['test', 'rules', join(dir, 'radar-probe.rules.test.yaml')]).then(
        () => null,
        (err: { code?: number; stdout?: string; stderr?: string }) => err,
      );
      assert.ok(failed, 'promtool must reject the drifted threshold');
      assert.equal(failed.code, 1);
      assert.match(`${failed.stdout ?? ''}${failed.stderr ?? ''}`, /alertname: HighErrorRate/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
