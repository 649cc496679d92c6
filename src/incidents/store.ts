/**
 * Durable incident state as one JSON document, replaced whole on every change: one write commits an incident change
 * together with the notifications it queued. Where it lives (a file, a ConfigMap key) is the documents' business;
 * parsing, quarantine, group commit and write health are the same for every store.
 */
import { errorMessage } from '../model/errors.js';
import type { Logger } from '../support/log.js';
import { FileDocuments, STATE_FILE, Superseded, type StateDocuments } from './documents.js';
import { emptyState, parseState, type IncidentState } from './state.js';
import { WriteHealth } from './write-health.js';

export { STATE_FILE } from './documents.js';

export interface LoadResult {
  state: IncidentState;
  /** set when the document existed but could not be used (it was moved aside) */
  problem: string | null;
}

export class StateStore {
  readonly documents: StateDocuments;
  private version = 0;
  private attempted = 0;
  private writing: Promise<void> | null = null;
  /** the texts the stored document may hold if nobody else wrote it: the last one read or written, and one in flight */
  private known: (string | null)[] | undefined;
  private supersededFlag = false;

  constructor(
    documents: StateDocuments | string,
    private readonly log: Logger,
    readonly health: WriteHealth = new WriteHealth(typeof documents === 'string' ? documents : documents.location, log, Date.now),
  ) {
    this.documents = typeof documents === 'string' ? new FileDocuments(documents) : documents;
  }

  get where(): string {
    return this.documents.describe(STATE_FILE);
  }

  /** True once after another writer replaced the state under us: the caller reloads instead of overwriting it. */
  takeSuperseded(): boolean {
    const flag = this.supersededFlag;
    this.supersededFlag = false;
    return flag;
  }

  /**
   * `readOnly` (followers) never prepares the store (no temp clean-up), and an unusable document is reported, not
   * moved, because it belongs to the leader.
   */
  async load(options: { readOnly?: boolean } = {}): Promise<LoadResult> {
    // a read-only or full volume at start-up must not stop the daemon: it serves /metrics and pages from memory
    if (!options.readOnly) await this.documents.prepare().catch((err: unknown) => this.health.failed(err, 'prepare the state store'));
    const text = await this.documents.read(STATE_FILE);
    this.known = [text];
    if (text === null) return { state: emptyState(), problem: null };
    let problem: string;
    try {
      const parsed = parseState(JSON.parse(text));
      if (parsed.ok) return { state: parsed.state, problem: null };
      problem = parsed.problem;
    } catch (err) {
      problem = `not valid JSON (${errorMessage(err)})`;
    }
    if (!options.readOnly) return this.quarantine(problem, text);
    this.log.error({ code: 'RP_ERR_STATE_CORRUPT' }, `incident state ${this.where} is unusable: ${problem}`);
    return { state: emptyState(), problem };
  }

  /** A document we cannot read is kept for a human, never overwritten; the daemon goes on with empty state. */
  private async quarantine(problem: string, text: string): Promise<LoadResult> {
    const aside = await this.documents.setAside(STATE_FILE);
    // moved aside, or left in place when moving failed: either way the next write may replace it
    this.known = [null, text];
    const message = `incident state ${this.where} is unusable: ${problem}; moved to ${aside}, starting with no incidents`;
    this.log.error({ code: 'RP_ERR_STATE_CORRUPT' }, message);
    return { state: emptyState(), problem: message };
  }

  /**
   * Group commit: resolves once a write that started after this call has finished. `snapshot` is read at write
   * time, so one write covers every change made before it began. A failed write does not reject: the caller
   * carries on from memory (paging must not stop because the store did), and `health` records the state as
   * undurable until a write succeeds again.
   */
  async commit(snapshot: () => string): Promise<void> {
    const target = ++this.version;
    while (this.attempted < target) {
      if (!this.writing) {
        const version = this.version;
        this.writing = this.writeOnce(snapshot()).finally(() => {
          this.attempted = Math.max(this.attempted, version);
          this.writing = null;
        });
      }
      await this.writing;
    }
  }

  private async writeOnce(text: string): Promise<void> {
    const expected = this.known;
    // a write that failed after reaching the store (a timeout) may have landed: that text is ours too
    this.known = expected ? [...expected, text].slice(-4) : undefined;
    try {
      await this.documents.write(STATE_FILE, text, expected);
      this.known = [text];
      this.health.succeeded();
    } catch (err) {
      if (!(err instanceof Superseded)) return this.health.failed(err, this.where);
      this.known = expected;
      this.supersededFlag = true;
      this.log.warn({ where: this.where }, 'incident state was changed by another replica: not overwritten, reloading it');
    }
  }
}
