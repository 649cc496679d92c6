/**
 * What the Dockerfile's ENV and k8s/deployment.yaml give the daemon (docs/performance.md "Memory"): benches start it
 * so. DAEMON_NODE_OPTIONS and MALLOC_* variables in the bench's own environment replace these, to compare settings
 * (an empty MALLOC_* value removes that setting).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHIPPED_NODE_OPTIONS = '--max-semi-space-size=8';
export const SHIPPED_MALLOC_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '32768' };

export function shippedRuntimeEnv(): Record<string, string> {
  const env: Record<string, string> = { NODE_OPTIONS: process.env['DAEMON_NODE_OPTIONS'] ?? SHIPPED_NODE_OPTIONS, ...SHIPPED_MALLOC_ENV };
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('MALLOC_') || value === undefined) continue;
    if (value === '') delete env[key];
    else env[key] = value;
  }
  return env;
}

/**
 * The entry point the benches start: the compiled tree, or with BENCH_CLI the bundle the image runs
 * (`BENCH_CLI=dist/bundle/cli/cli.js` after `npm run bundle`).
 */
export function benchCli(): string {
  const chosen = process.env['BENCH_CLI'];
  return chosen ? resolve(chosen) : fileURLToPath(new URL('../src/cli.js', import.meta.url));
}
