/**
 * Where the engine's documents persist: the incident state (with its outbox) and the maintenance windows. Files in
 * `incidents.stateDir`, or keys of one ConfigMap (`incidents.store: kubernetes`). Everything above this interface —
 * parsing, quarantine, group commit, write health, compaction — is shared by both.
 */
import { mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileAtomic } from './atomic-file.js';

export const STATE_FILE = 'incidents.json';
export const MAINTENANCE_FILE = 'maintenance.json';
export type DocumentName = typeof STATE_FILE | typeof MAINTENANCE_FILE;

const STALE_TEMP_MS = 60_000;

/** The document changed under us (another writer): the write was not made. */
export class Superseded extends Error {
  constructor(where: string) {
    super(`${where} was changed by another writer`);
    this.name = 'Superseded';
  }
}

export interface StateDocuments {
  /** for messages: a directory, or `ConfigMap <namespace>/<name>` */
  readonly location: string;
  /** what an operator checks when writes fail */
  readonly remedies: readonly string[];
  /** bytes the incident state may take before resolved history is dropped early (a ConfigMap holds ~1 MiB) */
  readonly stateBudget: number;
  describe(name: DocumentName): string;
  /** the writer's start-up housekeeping (followers never call it) */
  prepare(): Promise<void>;
  /** the document's text; null when it does not exist */
  read(name: DocumentName): Promise<string | null>;
  /**
   * Replaces the document. With `expected` (texts the caller last read or wrote; null: absent), only while it still
   * holds one of them: otherwise throws Superseded and writes nothing, so a newer document is never overwritten.
   */
  write(name: DocumentName, text: string, expected?: readonly (string | null)[]): Promise<void>;
  /** keeps an unusable document for a human; returns where it went */
  setAside(name: DocumentName): Promise<string>;
  /** cancels calls in flight (shutdown) */
  close?(): void;
}

/**
 * Read, change, write; `change` is re-run on what a concurrent writer left, so neither writer's change is lost.
 * `change` returns null to leave the document as it is.
 */
export async function updateDocument(
  documents: StateDocuments,
  name: DocumentName,
  change: (current: string | null) => string | null,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const current = await documents.read(name);
    const next = change(current);
    if (next === null) return;
    try {
      return await documents.write(name, next, [current]);
    } catch (err) {
      if (!(err instanceof Superseded) || attempt >= 10) throw err;
    }
    // writers that keep meeting each other spread out
    await sleep(Math.random() * 10 * attempt);
  }
}

export class FileDocuments implements StateDocuments {
  readonly stateBudget = Number.POSITIVE_INFINITY;

  constructor(readonly location: string) {}

  get remedies(): readonly string[] {
    return [`check the volume behind ${this.location}: mounted read-only? full (df -h)? owned by another user?`];
  }

  describe(name: DocumentName): string {
    return join(this.location, name);
  }

  async prepare(): Promise<void> {
    await mkdir(this.location, { recursive: true });
    for (const name of await readdir(this.location).catch(() => [])) {
      if (!name.endsWith('.tmp')) continue;
      const path = join(this.location, name);
      const info = await stat(path).catch(() => null);
      // another process sharing the directory may be mid-write: only clear what is clearly abandoned
      if (info && Date.now() - info.mtimeMs > STALE_TEMP_MS) await unlink(path).catch(() => undefined);
    }
  }

  async read(name: DocumentName): Promise<string | null> {
    try {
      return await readFile(this.describe(name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async write(name: DocumentName, text: string, expected?: readonly (string | null)[]): Promise<void> {
    // a file system has no compare-and-swap; this check narrows the window to the rename
    if (expected && !expected.includes(await this.read(name))) throw new Superseded(this.describe(name));
    await writeFileAtomic(this.location, name, text);
  }

  async setAside(name: DocumentName): Promise<string> {
    const aside = `${this.describe(name)}.corrupt-${Date.now()}`;
    await rename(this.describe(name), aside).catch(() => undefined);
    return aside;
  }
}
