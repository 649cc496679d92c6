/**
 * Windows set through the API live in their own small file, not in the leader's state: any replica may take the
 * POST, and every replica reads the file each cycle. Written atomically; an unreadable file means "no windows".
 * Capped in count by the caller's limit: the file is rewritten on every change and read every cycle.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../support/log.js';
import { writeFileAtomic } from './store.js';
import type { MaintenanceWindow } from './types.js';

export const MAINTENANCE_FILE = 'maintenance.json';

const windows = z.array(
  z
    .object({ start: z.number().finite(), end: z.number().finite(), reason: z.string(), id: z.string().optional(), by: z.string().optional() })
    .strict(),
);

export type MaintenanceChange = { ok: true; window: MaintenanceWindow; windows: MaintenanceWindow[] } | { ok: false; problem: 'full' | 'unknown' };

/** files written before windows had ids get a stable one, so they can be deleted too */
function withId(w: MaintenanceWindow): MaintenanceWindow {
  return w.id ? w : { ...w, id: `mw-${createHash('sha256').update(`${w.start}/${w.end}/${w.reason}`).digest('hex').slice(0, 12)}` };
}

export class MaintenanceStore {
  constructor(
    private readonly dir: string,
    private readonly log: Logger,
  ) {}

  async load(): Promise<MaintenanceWindow[]> {
    let text: string;
    try {
      text = await readFile(join(this.dir, MAINTENANCE_FILE), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.log.error({ err, code: 'RP_ERR_STATE_CORRUPT' }, 'maintenance windows could not be read');
      return [];
    }
    try {
      const parsed = windows.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data.map(withId);
    } catch {
      // fall through to the shared complaint below
    }
    this.log.error({ code: 'RP_ERR_STATE_CORRUPT' }, `${MAINTENANCE_FILE} is not a list of windows; ignoring it`);
    return [];
  }

  /** Adds a window unless `limit` windows are still current (those over are dropped); returns what is on disk. */
  async add(window: Omit<MaintenanceWindow, 'id'>, now: number, limit: number): Promise<MaintenanceChange> {
    const current = (await this.load()).filter((w) => w.end > now);
    if (current.length >= limit) return { ok: false, problem: 'full' };
    const added = { ...window, id: `mw-${randomBytes(6).toString('hex')}` };
    const next = [...current, added];
    await writeFileAtomic(this.dir, MAINTENANCE_FILE, JSON.stringify(next));
    return { ok: true, window: added, windows: next };
  }

  /** Removes the window with this id (and the ones already over). */
  async remove(id: string, now: number): Promise<MaintenanceChange> {
    const all = await this.load();
    const window = all.find((w) => w.id === id);
    if (!window) return { ok: false, problem: 'unknown' };
    const next = all.filter((w) => w.id !== id && w.end > now);
    await writeFileAtomic(this.dir, MAINTENANCE_FILE, JSON.stringify(next));
    return { ok: true, window, windows: next };
  }
}
