/**
 * Windows set through the API live in their own small document, not in the leader's state: any replica may take
 * the POST, and every replica reads the document each cycle. Changed by read-modify-write (two replicas adding a
 * window at once both keep theirs); an unreadable document means "no windows". Capped in count by the caller's
 * limit: the document is rewritten on every change and read every cycle.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../support/log.js';
import { MAINTENANCE_FILE, updateDocument, type StateDocuments } from './documents.js';
import type { MaintenanceWindow } from './types.js';

export { MAINTENANCE_FILE } from './documents.js';

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
    private readonly documents: StateDocuments,
    private readonly log: Logger,
  ) {}

  async load(): Promise<MaintenanceWindow[]> {
    let text: string | null;
    try {
      text = await this.documents.read(MAINTENANCE_FILE);
    } catch (err) {
      this.log.error({ err, code: 'RP_ERR_STATE_CORRUPT' }, 'maintenance windows could not be read');
      return [];
    }
    return text === null ? [] : this.parse(text);
  }

  private parse(text: string): MaintenanceWindow[] {
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
    const added = { ...window, id: `mw-${randomBytes(6).toString('hex')}` };
    return this.change((all) => {
      const current = all.filter((w) => w.end > now);
      return current.length >= limit ? { ok: false, problem: 'full' } : { ok: true, window: added, windows: [...current, added] };
    });
  }

  /** Removes the window with this id (and the ones already over). */
  async remove(id: string, now: number): Promise<MaintenanceChange> {
    return this.change((all) => {
      const window = all.find((w) => w.id === id);
      return window ? { ok: true, window, windows: all.filter((w) => w.id !== id && w.end > now) } : { ok: false, problem: 'unknown' };
    });
  }

  /** Applies `decide` to the windows as stored; re-applied to a concurrent writer's version instead of overwriting it. */
  private async change(decide: (all: MaintenanceWindow[]) => MaintenanceChange): Promise<MaintenanceChange> {
    let outcome: MaintenanceChange = { ok: false, problem: 'unknown' };
    await updateDocument(this.documents, MAINTENANCE_FILE, (current) => {
      outcome = decide(current === null ? [] : this.parse(current));
      return outcome.ok ? JSON.stringify(outcome.windows) : null;
    });
    return outcome;
  }
}
