/** A process's resident memory from /proc/PID/smaps: anonymous vs file-backed, by mapping and by mapping size. */
import { readFileSync } from 'node:fs';

export interface Smaps {
  rss: number;
  anon: number;
  file: number;
  /** resident pages per mapped file (basename) or pseudo-mapping ([heap], [stack], anon) */
  byMapping: Map<string, { rss: number; anon: number }>;
  /** resident anonymous memory by mapping size: 256 kB V8 pages, 8 MB thread stacks, 64 MB malloc arena reservations */
  anonBySize: Map<number, { count: number; rss: number }>;
}

export function readSmaps(pid: number): Smaps {
  const text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  const out: Smaps = { rss: 0, anon: 0, file: 0, byMapping: new Map(), anonBySize: new Map() };
  let name = '';
  let size = 0;
  for (const line of text.split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (header) {
      name = header[1] ? header[1].slice(header[1].lastIndexOf('/') + 1) : 'anon';
      const [start = '0', end = '0'] = line.split(' ', 1)[0].split('-');
      size = parseInt(end, 16) - parseInt(start, 16);
      continue;
    }
    const field = /^(Rss|Anonymous):\s+(\d+) kB/.exec(line);
    if (!field) continue;
    const bytes = Number(field[2]) * 1024;
    const entry = out.byMapping.get(name) ?? { rss: 0, anon: 0 };
    if (field[1] === 'Rss') {
      entry.rss += bytes;
      out.rss += bytes;
      if (name === 'anon' && bytes > 0) {
        const bySize = out.anonBySize.get(size) ?? { count: 0, rss: 0 };
        out.anonBySize.set(size, { count: bySize.count + 1, rss: bySize.rss + bytes });
      }
    } else {
      entry.anon += bytes;
      out.anon += bytes;
    }
    out.byMapping.set(name, entry);
  }
  out.file = out.rss - out.anon;
  return out;
}
