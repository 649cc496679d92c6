/**
 * Whether the state directory currently takes writes. A failed write never stops paging: the engine keeps
 * delivering from memory and this records that the state is undurable, for /readyz, metrics and a self-page.
 */
import { errorMessage } from '../model/errors.js';
import type { Logger } from '../support/log.js';

export interface WriteProblem {
  /** errno code (EROFS, ENOSPC, EACCES, ...) or the error name */
  code: string;
  message: string;
  since: number;
}

export class WriteHealth {
  private count = 0;
  private current: WriteProblem | null = null;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly changed: (problem: WriteProblem | null) => void = () => undefined,
  ) {}

  get failures(): number {
    return this.count;
  }

  get problem(): WriteProblem | null {
    return this.current;
  }

  failed(err: unknown, what: string): void {
    this.count += 1;
    const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.name : 'ERROR');
    if (this.current) return this.log.debug({ code: 'RP_ERR_STATE_WRITE', errno: code, what }, 'state write failed again');
    this.current = { code, message: errorMessage(err), since: this.now() };
    this.log.error(
      { code: 'RP_ERR_STATE_WRITE', errno: code, dir: this.dir, what, err: errorMessage(err) },
      'incident state cannot be written: notifications still go out from memory, but a restart now would forget open incidents and queued messages',
    );
    this.changed(this.current);
  }

  succeeded(): void {
    if (!this.current) return;
    this.log.warn({ dir: this.dir, since: new Date(this.current.since).toISOString() }, 'incident state is written again: durable from here on');
    this.current = null;
    this.changed(null);
  }
}
