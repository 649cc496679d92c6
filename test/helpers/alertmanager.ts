/**
 * Starts the real Alertmanager binary (Debian package prometheus-alertmanager) on a port it picks itself, with a
 * throw-away config and storage directory and clustering disabled; ready when it logs its address and /-/ready answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { request } from 'undici';

export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

export interface AmAlertStatus {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: string };
}

export interface RunningAlertmanager {
  url: string;
  alerts(): Promise<AmAlertStatus[]>;
  stop(): Promise<void>;
}

export function alertmanagerAvailable(): boolean {
  return existsSync(ALERTMANAGER_BIN);
}

const CONFIG = `route:\n  receiver: blackhole\n  group_wait: 1s\nreceivers:\n  - name: blackhole\n`;

function listeningAddress(child: ChildProcess, deadlineMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    const timer = setTimeout(() => reject(new Error(`alertmanager did not start within ${deadlineMs} ms:\n${lines.join('\n')}`)), deadlineMs);
    const reader = createInterface({ input: child.stderr! });
    reader.on('line', (line) => {
      lines.push(line);
      const match = /msg="Listening on" address=(\S+)/.exec(line);
      if (!match) return;
      clearTimeout(timer);
      reader.close();
      child.stderr!.resume(); // keep draining so the child never blocks on a full pipe
      resolve(match[1]);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`alertmanager exited with ${code}:\n${lines.join('\n')}`));
    });
  });
}

async function waitReady(url: string, deadline: number): Promise<void> {
  for (;;) {
    const ok = await request(`${url}/-/ready`)
      .then(async (r) => (await r.body.text(), r.statusCode === 200))
      .catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error('alertmanager never became ready');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startAlertmanager(): Promise<RunningAlertmanager> {
  const dir = await mkdtemp(join(tmpdir(), 'radar-am-'));
  await writeFile(join(dir, 'alertmanager.yml'), CONFIG);
  const child = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      '--web.listen-address=127.0.0.1:0',
      '--cluster.listen-address=',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const address = await listeningAddress(child, 15_000);
    const url = `http://${address}`;
    await waitReady(url, Date.now() + 10_000);
    return {
      url,
      async alerts() {
        const response = await request(`${url}/api/v2/alerts`);
        return (await response.body.json()) as AmAlertStatus[];
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
