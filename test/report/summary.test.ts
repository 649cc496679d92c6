import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toMarkdownSummary } from '../../src/report/summary.js';
import { sampleReport } from './fixtures.js';

/** cells of a Markdown table row, honouring escaped pipes */
function cells(row: string): string[] {
  // NUL stands in for an escaped pipe: no table cell contains one
  const nul = String.fromCharCode(0);
  return row
    .split('\\|')
    .join(nul)
    .split('|')
    .slice(1, -1)
    .map((c) => c.trim().split(nul).join('|'));
}

function tableAfter(md: string, heading: string): string[][] {
  const lines = md.split('\n');
  const start = lines.indexOf(heading);
  assert.ok(start >= 0 || heading === '', `missing ${heading}`);
  const rows: string[][] = [];
  for (let i = start + 1; i < lines.length; i++) {
    if (!lines[i].startsWith('|')) {
      if (rows.length) break;
      continue;
    }
    rows.push(cells(lines[i]));
  }
  return rows;
}

describe('toMarkdownSummary', () => {
  const md = toMarkdownSummary(sampleReport());

  test('verdict first, then probes, latency, thresholds and findings', () => {
    assert.match(md.split('\n')[0], /^## radar-probe · latency · ❌ failed$/);
    const order = ['### Probes', '### Latency', '### Thresholds', '### Findings'].map((h) => md.indexOf(`\n${h}\n`));
    assert.ok(
      order.every((at, k) => at > 0 && (k === 0 || at > order[k - 1])),
      `sections out of order: ${order.join(', ')}`,
    );
  });

  test('every table is rectangular, and hostile text cannot break it', () => {
    for (const heading of ['## radar-probe · latency · ❌ failed', '### Probes', '### Latency', '### Thresholds']) {
      const rows = tableAfter(md, heading);
      assert.ok(rows.length >= 2, heading);
      assert.ok(
        rows.every((r) => r.length === rows[0].length),
        `${heading}: ${JSON.stringify(rows)}`,
      );
    }
    assert.ok(!md.includes('<b>'), 'HTML from messages must be escaped');
    const load = tableAfter(md, '### Probes').find((r) => r[0] === 'load')!;
    assert.equal(load[2], '❌ fail');
    assert.match(load[4], /RP_ERR_LOAD_ABORTED/);
    assert.match(load[4], /&lt;b&gt; &amp; "c" 'd' \| e/);
  });

  test('figures: severity, latency and thresholds', () => {
    const [, , overview] = tableAfter(md, '## radar-probe · latency · ❌ failed');
    assert.equal(overview[1], 'P2');
    const [header, , latency] = tableAfter(md, '### Latency');
    assert.deepEqual(header, ['requests', 'errors', 'timeouts', 'error rate', 'req/s', 'p50', 'p90', 'p95', 'p99', 'max']);
    assert.deepEqual(latency, ['100', '3', '1', '3.00 %', '48.7', '201.2 ms', '204.5 ms', '1210.8 ms', '1500.0 ms', '1600.1 ms']);
    const thresholds = tableAfter(md, '### Thresholds');
    assert.deepEqual(thresholds[2].slice(1, 3), ['❌ fail', '1210.75']);
    assert.match(md, /- \*\*P2\*\* <code>db_slow_statements<\/code>/);
    assert.match(md, /action: <code>kubectl rollout restart deployment\/deeptech-api -n prod<\/code>/);
  });

  test('a run without load or findings leaves those sections out', () => {
    const { latency: _omit, ...rest } = sampleReport({ passed: true, severity: null, findings: [], thresholds: [] });
    const plain = toMarkdownSummary(rest);
    assert.match(plain, /✅ passed/);
    assert.ok(!plain.includes('### Latency') && !plain.includes('### Findings') && !plain.includes('### Thresholds'));
  });
});
