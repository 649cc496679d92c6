#!/usr/bin/env node
/** The process edge: the only place that reads argv, handles signals and sets the exit code. */
import { readFileSync } from 'node:fs';
import { parseCli } from './cli/args.js';
import { checkConfig } from './cli/check-config.js';
import { runDemo } from './cli/demo.js';
import { helpText } from './cli/help.js';
import { runOnce, type Io } from './cli/oneshot.js';
import { ConfigError } from './config/load.js';
import { ProbeError, UsageError } from './model/errors.js';

const EXIT = { passed: 0, failed: 1, usage: 2, internal: 3 } as const;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(argv: readonly string[], io: Io): Promise<number> {
  const args = parseCli(argv);
  switch (args.command) {
    case 'help':
      io.stdout.write(helpText());
      return EXIT.passed;
    case 'version':
      io.stdout.write(`radar-probe ${version()}\n`);
      return EXIT.passed;
    case 'check-config':
      return checkConfig(args, io);
    case 'demo':
      return runDemo(args, io);
    case 'daemon': {
      const { runDaemon } = await import('./cli/daemon.js');
      return runDaemon(args, io);
    }
    case 'run':
      return runOnce(args, io);
  }
}

function report(err: unknown): number {
  if (err instanceof ConfigError) {
    for (const problem of err.problems) process.stderr.write(`probe: ${problem} [${err.code}]\n`);
    return EXIT.usage;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`probe: ${err.message} [${err.code}]\n`);
    return EXIT.usage;
  }
  const code = err instanceof ProbeError ? err.code : 'RP_ERR_INTERNAL';
  process.stderr.write(`probe: internal error: ${err instanceof Error ? err.message : String(err)} [${code}]\n`);
  if (process.env['RADAR_PROBE_DEBUG'] && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
  return EXIT.internal;
}

const controller = new AbortController();
/** A clean stop (abort probes, close the server, flush logs) takes well under this; past it, exit regardless. */
const STOP_DEADLINE_MS = 9_000;
let signals = 0;
const onSignal = (name: NodeJS.Signals): void => {
  signals++;
  // The first signal asks everything to stop cleanly; a second one means "now".
  if (signals > 1) process.exit(130);
  controller.abort(new Error(`received ${name}`));
  setTimeout(() => {
    process.stderr.write(`probe: still stopping ${STOP_DEADLINE_MS / 1000} s after ${name}; exiting now [RP_ERR_INTERNAL]\n`);
    process.exit(EXIT.internal);
  }, STOP_DEADLINE_MS).unref();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// SIGHUP means "reload" only to a command that asked for it; otherwise it keeps its default (terminate).
const reloadListeners = new Set<() => void>();
const onHangup = (): void => {
  for (const listener of reloadListeners) listener();
};
const onReload = (listener: () => void): (() => void) => {
  if (reloadListeners.size === 0) process.on('SIGHUP', onHangup);
  reloadListeners.add(listener);
  return () => {
    reloadListeners.delete(listener);
    if (reloadListeners.size === 0) process.off('SIGHUP', onHangup);
  };
};

const io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal, onReload };
// the chain ends in its own catch-all: nothing is left to await at the top level
void main(process.argv.slice(2), io)
  .catch(report)
  .then((code) => {
    process.exitCode = code;
    // Keep-alive sockets or a probe that ignored its signal must not keep a finished run alive.
    setImmediate(() => process.exit(code)).unref();
  });
