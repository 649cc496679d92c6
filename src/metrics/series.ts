/**
 * Kind-specific gauges (`result.series`, incident metrics) exported generically. A sample names its metric and
 * labels; the owner's fixed labels (`probe`) are added here. Whatever would break the exposition format or blow up
 * cardinality is dropped with one warning instead: bad names, label sets that change shape, too many series.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { MetricSample } from '../model/types.js';

const METRIC_NAME = /^probe_[a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MAX_SERIES_PER_OWNER = 200;
const MAX_LABEL_VALUE = 120;

type Labels = Record<string, string>;

interface Family {
  metric: Gauge<string> | Counter<string>;
  labelNames: readonly string[];
}

export class SeriesExporter {
  private readonly families = new Map<string, Family>();
  /** owner → series key → labels, to remove what an owner stopped reporting */
  private readonly owned = new Map<string, Map<string, { name: string; labels: Labels }>>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly registry: Registry,
    private readonly warn: (message: string, detail: Record<string, unknown>) => void,
    private readonly redact: (text: string) => string = (t) => t,
    /** names rendered outside the registry (the per-probe families) */
    private readonly taken: (name: string) => boolean = () => false,
  ) {}

  /** Sets the owner's current samples; series it reported before and not now disappear. */
  update(owner: string, samples: readonly MetricSample[] | undefined, fixed: Labels = {}): void {
    // most results (every plain endpoint probe's) carry none and had none: nothing to build or compare
    if (!samples?.length && !this.owned.has(owner)) return;
    const previous = this.owned.get(owner) ?? new Map<string, { name: string; labels: Labels }>();
    const current = new Map<string, { name: string; labels: Labels }>();
    for (const sample of samples ?? []) {
      if (current.size >= MAX_SERIES_PER_OWNER) {
        this.warnOnce(`cap:${owner}`, 'too many series from one source; the rest are dropped', { owner, cap: MAX_SERIES_PER_OWNER });
        break;
      }
      const family = this.family(sample, fixed);
      if (!family || !Number.isFinite(sample.value)) continue;
      const labels: Labels = { ...fixed };
      for (const [key, value] of Object.entries(sample.labels ?? {})) labels[key] = this.redact(String(value)).slice(0, MAX_LABEL_VALUE);
      const key = `${sample.name}\u0000${family.labelNames.map((n) => labels[n]).join('\u0000')}`;
      if (family.metric instanceof Counter) {
        // A sample carries an absolute count: replace the series rather than add to it.
        family.metric.remove(labels);
        family.metric.inc(labels, Math.max(0, sample.value));
      } else {
        family.metric.set(labels, sample.value);
      }
      current.set(key, { name: sample.name, labels });
    }
    for (const [key, gone] of previous) if (!current.has(key)) this.families.get(gone.name)?.metric.remove(gone.labels);
    if (current.size) this.owned.set(owner, current);
    else this.owned.delete(owner);
  }

  forget(owner: string): void {
    this.update(owner, []);
  }

  private family(sample: MetricSample, fixed: Labels): Family | undefined {
    const labelNames = [...Object.keys(fixed), ...Object.keys(sample.labels ?? {}).sort()];
    const existing = this.families.get(sample.name);
    if (existing) {
      if (existing.labelNames.length === labelNames.length && existing.labelNames.every((n, i) => n === labelNames[i])) return existing;
      this.warnOnce(`shape:${sample.name}`, 'metric reported with a different label set than before; sample dropped', {
        metric: sample.name,
        labels: labelNames,
      });
      return undefined;
    }
    const reason = !METRIC_NAME.test(sample.name)
      ? 'metric names must match probe_[a-zA-Z0-9_:]*'
      : [sample.name, sample.name.replace(/_(bucket|count|sum)$/, '')].some((n) => this.registry.getSingleMetric(n) || this.taken(n))
        ? 'name taken by a built-in daemon metric'
        : Object.keys(sample.labels ?? {}).some((n) => !LABEL_NAME.test(n) || n.startsWith('__') || n in fixed)
          ? 'invalid or reserved label name'
          : null;
    if (reason) {
      this.warnOnce(`bad:${sample.name}`, `metric dropped: ${reason}`, { metric: sample.name });
      return undefined;
    }
    const help = sample.help.trim() || sample.name;
    const config = { name: sample.name, help, labelNames, registers: [this.registry] };
    const family: Family = { metric: sample.name.endsWith('_total') ? new Counter(config) : new Gauge(config), labelNames };
    this.families.set(sample.name, family);
    return family;
  }

  private warnOnce(key: string, message: string, detail: Record<string, unknown>): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(message, detail);
  }
}
