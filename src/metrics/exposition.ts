/**
 * Per-probe metric families rendered straight to the exposition format. prom-client re-escapes and re-assembles
 * every label set on every scrape, which costs ~40 ms at 1,000 probes (most of it in the request histogram); here
 * a series' label text is escaped once, when the series first appears, so a scrape is string concatenation.
 * prom-client keeps the registry, the process metrics and everything low-cardinality.
 */
import { SLICE_ITEMS } from '../support/slices.js';

type Labels<L extends string> = Record<L, string>;

export const escapeLabel = (value: string): string => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value < 0 ? '-Inf' : '+Inf';
  return String(value);
}

/**
 * A text kept for the life of a series, as one flat string: a template literal or `+` makes a rope of two to four
 * heap objects, and a full garbage collection marks every one of them (at 20,000 endpoints about 50 per endpoint,
 * a third of the objects the daemon keeps per endpoint). A join of two or more parts builds a flat string.
 */
const flat = (parts: readonly string[]): string => parts.join('');

abstract class Family<L extends string, S extends { labelText: string }> {
  protected readonly series = new Map<string, S>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'gauge' | 'counter' | 'histogram',
    protected readonly labelNames: readonly L[],
  ) {}

  /**
   * The series' key, built without intermediate arrays: it is looked up for every label set of every result. A caller
   * that sets the same label set on every result can build it once and pass it along (set/inc's `key`).
   */
  keyOf(labels: Labels<L>): string {
    const names = this.labelNames;
    let key = String(labels[names[0]] ?? '');
    for (let i = 1; i < names.length; i++) key += `\u0000${labels[names[i]] ?? ''}`;
    return key;
  }

  /** the key a series is stored under: keyOf's text as one flat string, as it is kept for the life of the series */
  flatKeyOf(labels: Labels<L>): string {
    const names = this.labelNames;
    return names.length > 1 ? flat(names.map((n, i) => (i > 0 ? `\u0000${labels[n] ?? ''}` : String(labels[n] ?? '')))) : this.keyOf(labels);
  }

  protected entry(labels: Labels<L>, key = this.keyOf(labels)): S {
    let found = this.series.get(key);
    if (!found) {
      const names = this.labelNames;
      // (a join of one part gives that part back: a single label's text is built of several parts anyway)
      const labelText = flat(names.map((n, i) => flat([i > 0 ? ',' : '', n, '="', escapeLabel(String(labels[n])), '"'])));
      found = this.create(labelText);
      this.series.set(this.flatKeyOf(labels), found);
    }
    return found;
  }

  /** a new series, with every field it will have (fields added later go to a separate properties array) */
  protected abstract create(labelText: string): S;

  remove(labels: Labels<L>): void {
    this.series.delete(this.keyOf(labels));
  }

  clear(): void {
    this.series.clear();
  }

  protected header(): string {
    return `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
  }

  /** one series' lines */
  protected abstract lines(series: S): string;

  /**
   * The family's text in flat pieces of `perPiece` series, so a scrape can serve the event loop between them (at
   * 20,000 probes one family is tens of milliseconds). Series added or removed meanwhile show up or not, as on a
   * scrape a moment earlier or later.
   */
  *pieces(perPiece = SLICE_ITEMS): Generator<string, void, void> {
    let piece = [this.header()];
    for (const s of this.series.values()) {
      piece.push(this.lines(s));
      if (piece.length > perPiece) {
        yield piece.join('');
        piece = [];
      }
    }
    yield piece.join('');
  }

  render(): string {
    return [...this.pieces()].join('');
  }
}

/** A gauge or counter: one number per label set. */
export class Scalar<L extends string> extends Family<L, { value: number; labelText: string; prefix: string }> {
  set(labels: Labels<L>, value: number, key?: string): void {
    this.entry(labels, key).value = value;
  }

  inc(labels: Labels<L>, by = 1, key?: string): void {
    this.entry(labels, key).value += by;
  }

  protected create(labelText: string): { value: number; labelText: string; prefix: string } {
    return { value: 0, labelText, prefix: flat([this.name, '{', labelText, '} ']) };
  }

  protected lines(s: { value: number; prefix: string }): string {
    return `${s.prefix}${formatValue(s.value)}\n`;
  }
}

interface HistogramSeries {
  counts: Float64Array;
  sum: number;
  count: number;
  labelText: string;
  /** made at the first scrape */
  prefixes: string[] | undefined;
}

export class LabelledHistogram<L extends string> extends Family<L, HistogramSeries> {
  private readonly bounds: readonly number[];
  private readonly leText: readonly string[];

  constructor(name: string, help: string, labelNames: readonly L[], buckets: readonly number[]) {
    super(name, help, 'histogram', labelNames);
    this.bounds = [...buckets].sort((a, b) => a - b);
    this.leText = [...this.bounds.map(formatValue), '+Inf'];
  }

  observe(labels: Labels<L>, value: number): void {
    const s = this.entry(labels);
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]) i++;
    s.counts[i] += 1;
    s.sum += value;
    s.count += 1;
  }

  protected create(labelText: string): HistogramSeries {
    return { counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0, labelText, prefixes: undefined };
  }

  protected lines(s: HistogramSeries): string {
    s.prefixes ??= this.leText.map((le) => flat([this.name, '_bucket{', s.labelText, ',le="', le, '"} ']));
    let text = '';
    let cumulative = 0;
    for (let i = 0; i < s.prefixes.length; i++) {
      cumulative += s.counts[i];
      text += `${s.prefixes[i]}${cumulative}\n`;
    }
    return `${text}${this.name}_sum{${s.labelText}} ${formatValue(s.sum)}\n${this.name}_count{${s.labelText}} ${s.count}\n`;
  }
}
