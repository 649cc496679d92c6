#!/usr/bin/env node
/** The process edge: the only place that reads argv, handles signals and sets the exit code. */
import './cli/runtime-guard.js';
import { EXIT, main } from './cli/main.js';
import type { Io } from './cli/oneshot.js';

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

// SIGHUP means "reload" only to a command that asked for it; to every other command it means what it means to a
// terminal (it was closed): stop, cleanly like SIGINT/SIGTERM, so `probe demo` removes its PostgreSQL and folder.
const reloadListeners = new Set<() => void>();
const onHangup = (): void => {
  if (reloadListeners.size === 0) return onSignal('SIGHUP');
  for (const listener of reloadListeners) listener();
};
process.on('SIGHUP', onHangup);
const onReload = (listener: () => void): (() => void) => {
  reloadListeners.add(listener);
  return () => reloadListeners.delete(listener);
};

const io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal, onReload };
void main(process.argv.slice(2), io).then((code) => {
  process.exitCode = code;
  // Keep-alive sockets or a probe that ignored its signal must not keep a finished run alive.
  setImmediate(() => process.exit(code)).unref();
});
