/**
 * Windows set through the API live in their own small file, not in the leader's state: any replica may take the
 * POST, and every replica reads the file each cycle. Written atomically; an unreadable file means "no windows".
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../support/log.js';
import { writeFileAtomic } from './store.js';
import type { MaintenanceWindow } from './types.js';

export const MAINTENANCE_FILE = 'maintenance.json';

const windows = z.array(z.object({ start: z.number().finite(), end: z.number().finite(), reason: z.string() }).strict());

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
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log.error({ err, code: 'RP_ERR_STATE_CORRUPT' }, 'maintenance windows could not be read');
      return [];
    }
    try {
      const parsed = windows.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
    } catch {
      // fall through to the shared complaint below
    }
    this.log.error({ code: 'RP_ERR_STATE_CORRUPT' }, `${MAINTENANCE_FILE} is not a list of windows; ignoring it`);
    return [];
  }

  /** Adds a window, dropping the ones already over; returns what is now on disk. */
  async add(window: MaintenanceWindow, now: number): Promise<MaintenanceWindow[]> {
    const next = [...(await this.load()).filter((w) => w.end > now), window];
    await writeFileAtomic(this.dir, MAINTENANCE_FILE, JSON.stringify(next));
    return next;
  }
}
