/** CPU time from /proc (Linux; 10 ms ticks), for the benches that compare processes, threads and runs. */
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 1000 / 100; // CLK_TCK is 100 on Linux

/** user + system ms of a /proc stat line (the command name in parentheses may hold spaces) */
function statCpuMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** user + system CPU of a process so far (all its threads), in ms */
export function cpuMs(pid: number | 'self'): number {
  return statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** CPU so far per thread group, in ms: the main thread (named like the process), V8's workers, libuv's pool, the rest */
export function threadCpuMs(pid: number): Map<string, number> {
  const groups = new Map<string, number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
    } catch {
      continue; // a thread that ended between the listing and the read
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const group = task === String(pid) ? 'main' : /^V8/.test(comm) ? 'V8 workers' : /^libuv/.test(comm) ? 'libuv' : 'other';
    groups.set(group, (groups.get(group) ?? 0) + statCpuMs(stat));
  }
  return groups;
}
