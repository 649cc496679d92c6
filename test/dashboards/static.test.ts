/** The dashboard JSON itself: current schema, a datasource variable and no hard-coded UIDs, only documented metrics. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { allPanels, loadDashboard, metricNames, panelQueries, root, variableSelector } from './dashboard.js';

const dashboard = loadDashboard();

test('schema version of Grafana 11/12, a prometheus datasource variable, and every query goes through it', () => {
  assert.ok(dashboard.schemaVersion >= 39 && dashboard.schemaVersion <= 41, `schemaVersion ${dashboard.schemaVersion}`);
  const datasource = dashboard.templating.list.find((v) => v.type === 'datasource');
  assert.equal(datasource?.name, 'datasource');
  assert.equal(datasource?.query, 'prometheus');
  for (const name of ['job', 'instance', 'probe']) assert.ok(variableSelector(dashboard.templating.list.find((v) => v.name === name)!), name);
  const uids: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) {
        if (key === 'datasource' && value && typeof value === 'object') uids.push(String((value as { uid?: unknown }).uid));
        walk(value);
      }
  };
  walk(dashboard.panels);
  walk(dashboard.templating);
  assert.ok(uids.length > 0);
  assert.deepEqual([...new Set(uids)], ['${datasource}'], 'no datasource is named by its UID');
});

test('rows for the service, database, dependencies, Kubernetes, load runs and the daemon; panels laid out on the grid', () => {
  const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
  assert.deepEqual(rows, [
    'Service overview',
    'Real traffic (Prometheus)',
    'Database',
    'Dependencies (OpenAI, GitHub)',
    'Kubernetes',
    'Load runs',
    'radar-probe itself',
  ]);
  const panels = allPanels(dashboard);
  assert.equal(new Set(panels.map((p) => p.id)).size, panels.length, 'panel ids are unique');
  for (const p of panels) assert.ok(p.gridPos.x + p.gridPos.w <= 24, `${p.title} fits the 24-column grid`);
  const titles = panels.map((p) => p.title);
  for (const needed of [
    'Current severity',
    'Open incidents',
    'Success ratio per probe',
    'Request latency per endpoint (p50, p95)',
    'Error ratio per endpoint (window)',
    'HTTP phases (latest request)',
    'Scheduler lag (p50, p99)',
    'Schedule overlaps',
    'Notification outbox depth',
  ])
    assert.ok(titles.includes(needed), needed);
});

test('every metric a query reads is one the daemon exposes (docs/metrics.md)', () => {
  const reference = readFileSync(join(root, 'docs', 'metrics.md'), 'utf8');
  const exprs = [...panelQueries(dashboard).map((q) => q.expr), ...dashboard.templating.list.map((v) => variableSelector(v) ?? '')];
  const names = new Set(exprs.flatMap(metricNames));
  assert.ok(names.size > 40, `${names.size} metrics`);
  // prom-client's default collector is documented by its prefix; the rest are named one by one
  for (const name of names) if (name.startsWith('probe_')) assert.ok(reference.includes(`\`${name}\``), `${name} is not in docs/metrics.md`);
});
