/** gzip for /metrics: Prometheus always sends `Accept-Encoding: gzip`, and the text compresses ~20×. */
import { promisify } from 'node:util';
import { gzip, constants } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** true when the header lists gzip (or `*`) without `q=0` */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  let star = false;
  for (const part of value.split(',')) {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const refused = q !== undefined && Number(q.slice(2)) === 0;
    if (coding === 'gzip') return !refused;
    if (coding === '*') star = !refused;
  }
  return star;
}

/**
 * Level 1: on exposition text it is within a few percent of the default level's size at a third of the CPU, and it
 * runs on the thread pool, so a big scrape does not hold up the probes' event loop while it compresses.
 */
export function gzipText(text: string): Promise<Buffer> {
  return gzipAsync(text, { level: constants.Z_BEST_SPEED });
}
