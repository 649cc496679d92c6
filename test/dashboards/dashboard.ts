/** The Grafana dashboard as a test reads it: its panels' queries, with Grafana's template variables substituted. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
export const DASHBOARD_FILE = join(root, 'dashboards', 'radar-probe.json');

export interface Target {
  refId: string;
  expr: string;
  datasource?: { type?: string; uid?: string };
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}

export interface TemplateVariable {
  name: string;
  type: string;
  query: string | { query: string };
}

export interface Dashboard {
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: TemplateVariable[] };
}

export interface PanelQuery {
  /** `Row / Panel title (A)`: how a failure names the query */
  where: string;
  expr: string;
}

export function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
}

/** Every panel, rows' nested panels (collapsed rows keep theirs inside) included. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every target of every panel, named by the row it sits under. */
export function panelQueries(dashboard: Dashboard): PanelQuery[] {
  const queries: PanelQuery[] = [];
  let row = '';
  for (const panel of allPanels(dashboard)) {
    if (panel.type === 'row') row = panel.title;
    for (const target of panel.targets ?? []) queries.push({ where: `${row} / ${panel.title} (${target.refId})`, expr: target.expr });
  }
  return queries;
}

/**
 * What Grafana sends for a dashboard showing "All" over the last hour: multi-value variables become the regex
 * `.+`, the interval variables become fixed windows long enough for a 1 s scrape to have several samples.
 * `chosen` sets a variable to one value, as picking it in the drop-down does.
 */
export function substitute(expr: string, chosen: Record<string, string> = {}): string {
  const values: Record<string, string> = { __rate_interval: '1m', __interval: '15s', __range: '1h', __range_s: '3600', ...chosen };
  return expr.replace(/\$\{?(\w+)\}?/g, (_all, name: string) => values[name] ?? '.+');
}

/** `label_values(probe_success{job=~"$job"}, probe)` → the series selector it reads. */
export function variableSelector(variable: TemplateVariable): string | undefined {
  const text = typeof variable.query === 'string' ? variable.query : variable.query.query;
  return /^label_values\((.+),\s*\w+\)$/.exec(text)?.[1];
}

/** Metric names an expression reads (a histogram's `_bucket` named by its family). */
export function metricNames(expr: string): string[] {
  const names = expr.replace(/"[^"]*"/g, '""').match(/\b(?:probe|process|nodejs)_[a-z0-9_]+\b/g) ?? [];
  return [...new Set(names.map((n) => n.replace(/_bucket$/, '')))];
}
