/** What the status-page browser tests share: the simulated API, a real `probe daemon` probing it, and Chromium. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';
import { killOnExit, startDaemon, type DaemonProcess } from '../daemon/harness.js';
import { launchChromium } from '../helpers/browser.js';
import { fastDaemonYaml } from './fast-daemon.js';

export interface PageRig {
  api: SimulatedApi;
  daemon: DaemonProcess;
  browser: Browser;
  close(): Promise<void>;
}

/** A daemon every 500 ms (openAfter 2); `adapt` edits its config text (service name, endpoints). */
export async function startPageRig(options: { incidents?: string; adapt?: (yaml: string) => string } = {}): Promise<PageRig> {
  const api = await startSimulatedApi({ port: 0 });
  const yaml = fastDaemonYaml({
    target: api.url,
    stateDir: join(mkdtempSync(join(tmpdir(), 'rp-page-state-')), 'state'),
    notify: ['{ type: log }'],
    ...(options.incidents ? { incidents: options.incidents } : {}),
  });
  const [daemon, browser] = await Promise.all([startDaemon(options.adapt ? options.adapt(yaml) : yaml), launchChromium()]);
  return {
    api,
    daemon,
    browser,
    close: async () => {
      await browser.close();
      killOnExit(daemon);
      await daemon.stop();
      await api.close();
    },
  };
}
