/**
 * node-cron, loaded by the first `cron:` expression a config holds: its ES module build imports `node:crypto` and
 * `node:child_process`, whose facades load all of Node's crypto (web crypto included) and the process spawner — about
 * 2 MB resident in a daemon that schedules nothing by cron, as the default config does (docs/performance.md "Memory").
 * Its CommonJS build requires only what it uses.
 */
import { createRequire } from 'node:module';
import type * as NodeCron from 'node-cron';

let loaded: typeof NodeCron | undefined;

export function nodeCron(): typeof NodeCron {
  loaded ??= createRequire(import.meta.url)('node-cron') as typeof NodeCron;
  return loaded;
}
