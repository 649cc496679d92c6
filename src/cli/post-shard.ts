/**
 * `--post-to URL`: a shard hands its result to the daemon (POST {URL}/api/load-runs/{run}/shards/{i}), with the
 * control API's bearer token from PROBE_API_TOKEN. How the Indexed Job's pods deliver without a shared volume.
 */
import type { RunReport } from '../model/types.js';

/** the daemon answers at once; a minute covers a slow network and a busy daemon */
const POST_TIMEOUT_MS = 60_000;
/** a daemon restarting (rolling update) is back within this; the result must not be lost to it */
const ATTEMPTS = 4;

export function shardUrl(base: string, run: string, index: number): string {
  return new URL(`api/load-runs/${encodeURIComponent(run)}/shards/${index}`, base.endsWith('/') ? base : `${base}/`).href;
}

/** Returns null when the daemon took it, else why not (after a few tries for network errors and 5xx answers). */
export async function postShardResult(base: string, report: RunReport, token: string | undefined): Promise<string | null> {
  const shard = report.shard;
  if (!shard) return 'not a shard result';
  const url = shardUrl(base, shard.run, shard.index);
  let problem = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(report),
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
      });
      const text = (await res.text()).slice(0, 500);
      if (res.ok) return null;
      problem = `${url} answered ${res.status}: ${text.trim()}`;
      if (res.status < 500) return problem;
    } catch (err) {
      problem = `${url}: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (attempt < ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, 1_000 * 2 ** attempt));
  }
  return problem;
}
