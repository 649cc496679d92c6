/**
 * `--junit` and `--summary` files: checked for writability before the run (exit 2 naming the flag, before any
 * traffic), written after it without ever costing the verdict (a failed write is reported, the exit code stands).
 */
import { constants } from 'node:fs';
import { open, stat, unlink, writeFile } from 'node:fs/promises';
import { UsageError, errorMessage } from '../model/errors.js';
import type { RunReport } from '../model/types.js';
import { toJUnitXml } from '../report/junit.js';
import { toMarkdownSummary } from '../report/summary.js';
import { describeKind } from '../support/bounded-file.js';

interface ReportFile {
  flag: '--junit' | '--summary';
  path: string;
  /** the summary appends (GitHub's step summary is shared by every step); JUnit replaces */
  append: boolean;
  render: (report: RunReport) => string;
}

export interface ReportFileArgs {
  junit?: string | undefined;
  summary?: string | undefined;
}

function reportFiles(args: ReportFileArgs): ReportFile[] {
  const files: ReportFile[] = [];
  if (args.junit !== undefined) files.push({ flag: '--junit', path: args.junit, append: false, render: toJUnitXml });
  if (args.summary !== undefined) files.push({ flag: '--summary', path: args.summary, append: true, render: toMarkdownSummary });
  return files;
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code
    ? `${code}: ${
        errorMessage(err)
          .replace(/^[A-Z]+: /, '')
          .split(',')[0]
      }`
    : errorMessage(err);
}

/** Opens each report path for writing (creating it only for the check, then removing it), so a bad path is exit 2 now. */
export async function checkReportFiles(args: ReportFileArgs): Promise<void> {
  for (const file of reportFiles(args)) {
    const refuse = (why: string): UsageError =>
      new UsageError('RP_ERR_REPORT_PATH', `${file.flag} ${JSON.stringify(file.path)}: cannot be written: ${why}`);
    if (file.path === '') throw refuse('empty path');
    const existing = await stat(file.path).catch(() => null);
    // a FIFO would block the open; a directory cannot be written. Devices (/dev/null, /dev/stdout) are fine.
    if (existing && !existing.isFile() && !existing.isCharacterDevice()) throw refuse(describeKind(existing));
    try {
      const handle = await open(file.path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK);
      await handle.close();
    } catch (err) {
      throw refuse(reason(err));
    }
    if (!existing) await unlink(file.path).catch(() => undefined);
  }
}

/** Writes every report file; each failure becomes one stderr line with its code, never an exception. */
export async function writeReportFiles(report: RunReport, args: ReportFileArgs, stderr: NodeJS.WritableStream): Promise<boolean> {
  let ok = true;
  for (const file of reportFiles(args)) {
    try {
      await writeFile(file.path, file.render(report), file.append ? { flag: 'a' } : {});
    } catch (err) {
      ok = false;
      stderr.write(
        `probe: ${file.flag} ${JSON.stringify(file.path)}: could not write the report (${reason(err)}); the verdict above stands [RP_ERR_REPORT_WRITE]\n`,
      );
    }
  }
  return ok;
}
