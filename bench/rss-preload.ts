/**
 * Loaded into the measured daemon by bench/rss-breakdown.ts (`--import`): on SIGUSR2 it writes what the process itself knows about its memory to RSS_REPORT_FILE (then, when
 * RSS_HEAP_SNAPSHOT names a file, a heap snapshot there: last, as writing one grows the heap).
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { getHeapSpaceStatistics, getHeapStatistics, writeHeapSnapshot } from 'node:v8';

// The CommonJS modules, which are nearly all the dependencies. Not a load hook (which would see the ES modules too):
// with one, Node.js keeps every CommonJS module's source text alive, and the heap measured would not be the daemon's.
const commonJs = createRequire(import.meta.url).cache;

process.on('SIGUSR2', () => {
  const file = process.env['RSS_REPORT_FILE'];
  if (!file) return;
  const report = {
    memoryUsage: process.memoryUsage(),
    heap: getHeapStatistics(),
    spaces: getHeapSpaceStatistics().map((s) => ({
      name: s.space_name,
      size: s.space_size,
      used: s.space_used_size,
      physical: s.physical_space_size,
    })),
    modules: Object.keys(commonJs),
    // what Node.js loaded for itself: its bundled undici (fetch, WebSocket) or the inspector are worth seeing
    internals: (process as unknown as { moduleLoadList: string[] }).moduleLoadList.filter((entry) =>
      /deps\/|inspector|webcrypto|worker\b/.test(entry),
    ),
  };
  writeFileSync(`${file}.tmp`, JSON.stringify(report));
  const snapshot = process.env['RSS_HEAP_SNAPSHOT'];
  if (snapshot) writeHeapSnapshot(snapshot);
  // renamed last: the reader waits for this name, so it never reads a half-written report or an unfinished snapshot
  writeFileSync(file, JSON.stringify(report));
});
