/** What a daemon is started with, and the events tests and the CLI wait on instead of sleeping. */
import type { LoadRunView } from '../server/load-run-store.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../support/log.js';
import type { ProbeResult, RunReport } from '../model/types.js';
import type { SwitchableRedactor } from './generation.js';
import type { Settled } from '../support/heap-settle.js';

export interface DaemonEvents {
  ready: [];
  result: [result: ProbeResult];
  cycle: [report: RunReport];
  reloaded: [config: Config];
  'reload-failed': [problems: string[]];
  overlap: [probe: string];
  /** a sharded load run was merged (all shards arrived, or its deadline passed) */
  'load-run': [view: LoadRunView];
  /** the full collection after start-up or a reload (support/heap-settle.ts) */
  settled: [settled: Settled];
  stopped: [];
}

export interface DaemonOptions {
  config: Config;
  log: Logger;
  /** the logger's redactor, re-keyed on reload when the secrets change */
  redact: SwitchableRedactor;
  env?: Readonly<Record<string, string | undefined>>;
  /** false: no HTTP server (demo --once) */
  listen?: boolean;
  /** false: nothing runs until runOnce() (demo --once) */
  schedule?: boolean;
  random?: () => number;
  /** the liveness clock (tests move it instead of waiting three intervals) */
  now?: () => number;
}
