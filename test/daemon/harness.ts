/** Runs the real `probe daemon` as a child process and lets a test wait on its JSON log lines instead of sleeping. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../helpers/cli.js';

export interface LogLine {
  /** pino's level name (`info`, `warn`, …); `none` for a line that was not JSON */
  level: string;
  msg: string;
  [key: string]: unknown;
}

export interface DaemonProcess {
  proc: ChildProcess;
  dir: string;
  configFile: string;
  /** every stdout line so far (JSON log lines parsed; anything else kept as { msg: text }) */
  lines: LogLine[];
  output(): string;
  /** resolves with the first line (already seen or future) that matches; rejects after timeoutMs */
  waitFor(match: (line: LogLine) => boolean, timeoutMs?: number, what?: string): Promise<LogLine>;
  url: string;
  get(path: string): Promise<{ status: number; text: string }>;
  metric(name: string, labels: Record<string, string>): Promise<number | undefined>;
  /** sends the signal and resolves with the exit code and how long the exit took */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
  exited: Promise<number | null>;
}

export function writeConfig(dir: string, yaml: string): string {
  const file = join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** every daemon process this test file started and that has not exited yet */
const running = new Set<ChildProcess>();

/**
 * SIGKILLs every daemon this file started that is still running, and waits for them: one left running by a failed
 * test would keep the test file from ever ending.
 */
export async function killStartedDaemons(): Promise<void> {
  const left = [...running].filter((proc) => proc.exitCode === null && proc.signalCode === null);
  const exits = left.map((proc) => once(proc, 'exit'));
  for (const proc of left) proc.kill('SIGKILL');
  await Promise.all(exits);
}

export async function startDaemon(yaml: string, options: { env?: Record<string, string>; args?: string[] } = {}): Promise<DaemonProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'rp-daemon-'));
  const configFile = writeConfig(dir, yaml);
  const env = { PATH: process.env['PATH'] ?? '', HOME: dir, NO_COLOR: '1', ...options.env };
  const proc = spawn(process.execPath, [CLI, 'daemon', '--config', configFile, '--port', '0', ...(options.args ?? [])], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const waiters = new Set<{ match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }>();
  let raw = '';
  let stderr = '';
  let pending = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  proc.stdout.on('data', (d: Buffer) => {
    raw += d.toString();
    pending += d.toString();
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const text of parts.filter(Boolean)) {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = { level: 'none', msg: text };
      }
      lines.push(line);
      for (const w of [...waiters])
        if (w.match(line)) {
          waiters.delete(w);
          w.resolve(line);
        }
    }
  });
  running.add(proc);
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      running.delete(proc);
      resolve(code);
    }),
  );
  const output = (): string => `${raw}${stderr ? `\n--- stderr ---\n${stderr}` : ''}`;
  const waitFor = (match: (l: LogLine) => boolean, timeoutMs = 10_000, what = 'log line'): Promise<LogLine> => {
    const seen = lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve: (l: LogLine) => (clearTimeout(timer), resolve(l)) };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no ${what} within ${timeoutMs} ms; output:\n${output()}`));
      }, timeoutMs);
      waiters.add(waiter);
      void exited.then((code) => {
        if (!waiters.has(waiter)) return;
        waiters.delete(waiter);
        clearTimeout(timer);
        reject(new Error(`daemon exited (${code}) before ${what}; output:\n${output()}`));
      });
    });
  };
  const started = await waitFor((l) => l.msg === 'daemon started', 10_000, '"daemon started"');
  const url = String(started['url']);
  const get = async (path: string): Promise<{ status: number; text: string }> => {
    const res = await fetch(`${url}${path}`);
    return { status: res.status, text: await res.text() };
  };
  return {
    proc,
    dir,
    configFile,
    lines,
    output,
    waitFor,
    url,
    get,
    metric: async (name, labels) => metricValue((await get('/metrics')).text, name, labels),
    stop: async (signal = 'SIGTERM') => {
      const t = Date.now();
      if (proc.exitCode === null) proc.kill(signal);
      const code = await exited;
      return { code, ms: Date.now() - t };
    },
    exited,
  };
}

/** The value of the first sample of `name` whose labels include `labels`. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^([^{ ]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

export const killOnExit = (d: DaemonProcess | undefined): void => {
  if (d && d.proc.exitCode === null) d.proc.kill('SIGKILL');
};
