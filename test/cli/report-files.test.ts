import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkReportFiles, writeReportFiles } from '../../src/cli/report-files.js';
import { UsageError } from '../../src/model/errors.js';
import type { RunReport } from '../../src/model/types.js';

const dir = mkdtempSync(join(tmpdir(), 'rp-report-files-'));
const aFile = join(dir, 'a-file');
writeFileSync(aFile, 'x');

describe('report files', () => {
  test('checked before the run: a bad path is a usage error naming the flag, a good one is left as it was', async () => {
    await assert.rejects(
      checkReportFiles({ junit: join(dir, 'missing', 'j.xml') }),
      (err: unknown) => err instanceof UsageError && err.code === 'RP_ERR_REPORT_PATH' && err.message.startsWith('--junit'),
    );
    await assert.rejects(
      checkReportFiles({ summary: dir }),
      (err: unknown) => err instanceof UsageError && err.message.startsWith('--summary') && /directory/.test(err.message),
    );
    await assert.rejects(checkReportFiles({ summary: join(aFile, 'under-a-file.md') }), /--summary/);
    const fresh = join(dir, 'fresh.xml');
    await checkReportFiles({ junit: fresh, summary: aFile });
    assert.equal(existsSync(fresh), false, 'the check must not leave an empty report behind');
    assert.equal(readFileSync(aFile, 'utf8'), 'x');
  });

  test('a write that fails after the run is reported with its code and never throws', async () => {
    const report = { scenario: 'smoke', passed: false, severity: 'P0', probes: [], thresholds: [] } as unknown as RunReport;
    let stderr = '';
    const sink = { write: (s: string) => ((stderr += s), true) } as unknown as NodeJS.WritableStream;
    const ok = await writeReportFiles(report, { junit: join(aFile, 'gone.xml') }, sink);
    assert.equal(ok, false);
    assert.match(stderr, /--junit .*could not write the report .*\[RP_ERR_REPORT_WRITE\]/);
  });
});
