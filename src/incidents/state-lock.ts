/**
 * One writer per state directory when leader election is off: two daemons on one directory would send every
 * page twice and overwrite each other's state. The lock file names its holder (pid, host, start time) and is
 * refreshed while held, so a crashed holder is taken over: at once on the same host (its pid is gone), after
 * STALE_AFTER_MS without a refresh from another host (a shared volume).
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UsageError, errorMessage } from '../model/errors.js';
import type { Logger } from '../support/log.js';

export const LOCK_FILE = 'radar-probe.lock';
export const STALE_AFTER_MS = 60_000;
const REFRESH_MS = 15_000;

interface Holder {
  pid: number;
  host: string;
  startedAt: string;
  token: string;
}

const processStartedAt = new Date(Date.now() - Math.round(process.uptime() * 1000)).toISOString();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is just not ours to signal
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(file: string): Promise<{ holder: Holder | null; ageMs: number } | null> {
  const info = await stat(file).catch(() => null);
  if (!info) return null;
  const text = await readFile(file, 'utf8').catch(() => '');
  let holder: Holder | null = null;
  try {
    const parsed = JSON.parse(text) as Partial<Holder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string')
      holder = { pid: parsed.pid, host: parsed.host, startedAt: String(parsed.startedAt ?? '?'), token: String(parsed.token ?? '') };
  } catch {
    // unreadable: judged by age alone
  }
  return { holder, ageMs: Date.now() - info.mtimeMs };
}

/** Why the current lock may be taken over, or null while its holder is alive. */
function staleBecause(holder: Holder | null, ageMs: number): string | null {
  if (!holder) return ageMs > STALE_AFTER_MS ? 'unreadable and not refreshed' : null;
  if (holder.host === hostname()) {
    // a restarted container is the same host and often the same pid (1): that pid is us, not the old holder
    if (holder.pid === process.pid) return 'left by an earlier run of this container';
    return alive(holder.pid) ? null : `pid ${holder.pid} is gone`;
  }
  return ageMs > STALE_AFTER_MS ? `not refreshed for ${Math.round(ageMs / 1000)} s` : null;
}

export class StateDirLock {
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly file: string,
    private readonly token: string | null,
  ) {
    if (token) this.timer = setInterval(() => void utimes(file, new Date(), new Date()).catch(() => undefined), REFRESH_MS).unref();
  }

  /** Throws RP_ERR_STATE_LOCKED while another live daemon holds `dir`. A directory we cannot write is not locked. */
  static async acquire(dir: string, log: Logger): Promise<StateDirLock> {
    const file = join(dir, LOCK_FILE);
    const token = randomBytes(8).toString('hex');
    const mine: Holder = { pid: process.pid, host: hostname(), startedAt: processStartedAt, token };
    const temp = `${file}.${token}.tmp`;
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(temp, `${JSON.stringify(mine)}\n`, { mode: 0o644 });
    } catch (err) {
      log.warn({ dir, err: errorMessage(err) }, 'state directory lock not taken: the directory cannot be written (paging continues from memory)');
      return new StateDirLock(file, null);
    }
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        // link() is create-if-absent and atomic, and the file is complete from the first instant
        const created = await link(temp, file).then(
          () => true,
          (err: NodeJS.ErrnoException) => {
            if (err.code !== 'EEXIST') throw err;
            return false;
          },
        );
        if (created) return new StateDirLock(file, token);
        const current = await readHolder(file);
        if (!current) continue;
        const stale = staleBecause(current.holder, current.ageMs);
        if (!stale) throw lockedError(dir, current.holder);
        log.warn({ dir, holder: current.holder, reason: stale }, 'taking over a stale state directory lock');
        await unlink(file).catch(() => undefined);
      }
      throw lockedError(dir, (await readHolder(file))?.holder ?? null);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      log.warn({ dir, err: errorMessage(err) }, 'state directory lock not taken: the lock file cannot be created');
      return new StateDirLock(file, null);
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  get held(): boolean {
    return this.token !== null;
  }

  /** Removes the lock if it is still ours (a taken-over lock belongs to its new holder). */
  async release(): Promise<void> {
    clearInterval(this.timer);
    if (!this.token) return;
    const current = await readHolder(this.file);
    if (current?.holder?.token === this.token) await unlink(this.file).catch(() => undefined);
  }
}

function lockedError(dir: string, holder: Holder | null): UsageError {
  const who = holder ? `pid ${holder.pid} on host ${holder.host}, started ${holder.startedAt}` : 'another process';
  return new UsageError(
    'RP_ERR_STATE_LOCKED',
    `incidents.stateDir ${dir} is in use by another radar-probe daemon (${who}): it would send every notification twice. ` +
      `Give each daemon its own incidents.stateDir, or run replicas with kubernetes.leaderElection.enabled: true. ` +
      `If that process is gone, delete ${join(dir, LOCK_FILE)}.`,
  );
}
