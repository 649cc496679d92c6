/** The commands behind `probe`, and how an error becomes an exit code; src/cli.ts adds only the process around it. */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/load.js';
import { ProbeError, UsageError } from '../model/errors.js';
import { parseCli } from './args.js';
import { helpText } from './help.js';
import type { Io } from './oneshot.js';

export const EXIT = { passed: 0, failed: 1, usage: 2, internal: 3 } as const;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  const args = parseCli(argv, io.env);
  switch (args.command) {
    case 'help':
      io.stdout.write(helpText());
      return EXIT.passed;
    case 'version':
      io.stdout.write(`radar-probe ${version()}\n`);
      return EXIT.passed;
    // Each command loads only its own code: the daemon's resident memory holds no demo API, no one-shot reporting.
    case 'check-config': {
      const { checkConfig } = await import('./check-config.js');
      return checkConfig(args, io);
    }
    case 'demo': {
      const { runDemo } = await import('./demo.js');
      return runDemo(args, io);
    }
    case 'daemon': {
      const { runDaemon } = await import('./daemon.js');
      return runDaemon(args, io);
    }
    case 'run': {
      const { runOnce } = await import('./oneshot.js');
      return runOnce(args, io);
    }
    case 'merge': {
      const { runMerge } = await import('./merge.js');
      return runMerge(args, io);
    }
  }
}

/** Writes the error to stderr with its stable code and returns the exit code: 2 for usage/config, else 3. */
export function reportError(err: unknown, io: Pick<Io, 'stderr' | 'env'>): number {
  if (err instanceof ConfigError) {
    for (const problem of err.problems) io.stderr.write(`probe: ${problem} [${err.code}]\n`);
    return EXIT.usage;
  }
  if (err instanceof UsageError) {
    io.stderr.write(`probe: ${err.message} [${err.code}]\n`);
    return EXIT.usage;
  }
  const code = err instanceof ProbeError ? err.code : 'RP_ERR_INTERNAL';
  io.stderr.write(`probe: internal error: ${err instanceof Error ? err.message : String(err)} [${code}]\n`);
  if (io.env['RADAR_PROBE_DEBUG'] && err instanceof Error) io.stderr.write(`${err.stack ?? ''}\n`);
  return EXIT.internal;
}

/** Runs one `probe` invocation to its exit code; never throws. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    return reportError(err, io);
  }
}
