/**
 * Runs `probe --scenario …` in this process through the same code path as the binary (argument parsing, config
 * loading, runOnce, the exit code mapping of src/cli.ts), so the matrix can run many rows at once without paying a
 * process start per row. Only the process edge (signals, process.exit) is left out.
 */
import { Writable } from 'node:stream';
import { parseCli } from '../../src/cli/args.js';
import { runOnce, type Io } from '../../src/cli/oneshot.js';
import { ConfigError } from '../../src/config/load.js';
import { UsageError } from '../../src/model/errors.js';
import type { RunReport } from '../../src/model/types.js';

export interface ScenarioRun {
  code: number;
  stdout: string;
  stderr: string;
  /** the one JSON document on stdout; null when stdout did not hold exactly one */
  report: RunReport | null;
  ms: number;
}

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

/** Exactly one JSON value on stdout, or null (two documents, trailing text, nothing). */
function oneDocument(stdout: string): RunReport | null {
  try {
    return JSON.parse(stdout) as RunReport;
  } catch {
    return null;
  }
}

/** The exit code contract of src/cli.ts: 0 passed, 1 failed, 2 usage or config, 3 internal. */
export async function runScenarioInProcess(argv: string[], env: Record<string, string> = {}): Promise<ScenarioRun> {
  const started = performance.now();
  const out = capture();
  const err = capture();
  const io: Io = { stdout: out.stream, stderr: err.stream, env: { NO_COLOR: '1', ...env }, signal: new AbortController().signal };
  let code: number;
  try {
    code = await runOnce(parseCli(argv), io);
  } catch (error) {
    code = error instanceof ConfigError || error instanceof UsageError ? 2 : 3;
    err.stream.write(`probe: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  return { code, stdout: out.text(), stderr: err.text(), report: oneDocument(out.text()), ms: performance.now() - started };
}
