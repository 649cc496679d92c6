/**
 * Durable state as one JSON document replaced atomically: write a temp file, fsync it, rename it over the old
 * one, fsync the directory. A kill at any instant leaves either the previous or the next complete document
 * (never a torn one), and one rename commits an incident change together with the notifications it queued.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../model/errors.js';
import type { Logger } from '../support/log.js';
import { emptyState, parseState, type IncidentState } from './state.js';
import { WriteHealth } from './write-health.js';

export const STATE_FILE = 'incidents.json';
const STALE_TEMP_MS = 60_000;

let tempCounter = 0;

/** Atomically replaces `dir/name` with `content`. A failed write leaves no temp file behind. */
export async function writeFileAtomic(dir: string, name: string, content: string): Promise<void> {
  const target = join(dir, name);
  // Replicas share the directory on a ReadWriteMany volume, and each is PID 1 in its own pod: the pid alone
  // would give two writers the same temp file.
  const temp = join(dir, `${name}.${process.pid}.${++tempCounter}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (err) {
    // a full disk fails the write after the open: without this, every failed write leaves an empty temp file
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

export interface LoadResult {
  state: IncidentState;
  /** set when the file existed but could not be used (it was moved aside) */
  problem: string | null;
}

export class StateStore {
  private version = 0;
  private attempted = 0;
  private writing: Promise<void> | null = null;

  constructor(
    readonly dir: string,
    private readonly log: Logger,
    readonly health: WriteHealth = new WriteHealth(dir, log, Date.now),
  ) {}

  get file(): string {
    return join(this.dir, STATE_FILE);
  }

  /**
   * `readOnly` (followers) never touches the directory: no temp clean-up, and an unusable file is reported, not
   * moved, because it belongs to the leader.
   */
  async load(options: { readOnly?: boolean } = {}): Promise<LoadResult> {
    if (!options.readOnly) {
      // a read-only or full volume at start-up must not stop the daemon: it serves /metrics and pages from memory
      await mkdir(this.dir, { recursive: true }).catch((err: unknown) => this.health.failed(err, 'create the state directory'));
      await this.removeStaleTemps().catch(() => undefined);
    }
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: emptyState(), problem: null };
      throw err;
    }
    let problem: string;
    try {
      const parsed = parseState(JSON.parse(text));
      if (parsed.ok) return { state: parsed.state, problem: null };
      problem = parsed.problem;
    } catch (err) {
      problem = `not valid JSON (${errorMessage(err)})`;
    }
    if (!options.readOnly) return this.quarantine(problem);
    this.log.error({ code: 'RP_ERR_STATE_CORRUPT' }, `incident state ${this.file} is unusable: ${problem}`);
    return { state: emptyState(), problem };
  }

  /** A file we cannot read is kept for a human, never overwritten; the daemon goes on with empty state. */
  private async quarantine(problem: string): Promise<LoadResult> {
    const aside = `${this.file}.corrupt-${Date.now()}`;
    await rename(this.file, aside).catch(() => undefined);
    const message = `incident state ${this.file} is unusable: ${problem}; moved to ${aside}, starting with no incidents`;
    this.log.error({ code: 'RP_ERR_STATE_CORRUPT' }, message);
    return { state: emptyState(), problem: message };
  }

  private async removeStaleTemps(): Promise<void> {
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith('.tmp')) continue;
      const path = join(this.dir, name);
      const info = await stat(path).catch(() => null);
      // another process sharing the directory may be mid-write: only clear what is clearly abandoned
      if (info && Date.now() - info.mtimeMs > STALE_TEMP_MS) await unlink(path).catch(() => undefined);
    }
  }

  /**
   * Group commit: resolves once a write that started after this call has finished. `snapshot` is read at write
   * time, so one write covers every change made before it began. A failed write does not reject: the caller
   * carries on from memory (paging must not stop because the disk did), and `health` records the state as
   * undurable until a write succeeds again.
   */
  async commit(snapshot: () => string): Promise<void> {
    const target = ++this.version;
    while (this.attempted < target) {
      if (!this.writing) {
        const version = this.version;
        this.writing = writeFileAtomic(this.dir, STATE_FILE, snapshot())
          .then(
            () => this.health.succeeded(),
            (err: unknown) => this.health.failed(err, STATE_FILE),
          )
          .finally(() => {
            this.attempted = Math.max(this.attempted, version);
            this.writing = null;
          });
      }
      await this.writing;
    }
  }
}
