/** One re-armable timer on the injected clock, for the earliest due work; far-off work is re-checked hourly. */
import type { Clock } from './clock.js';

const MAX_DELAY_MS = 3_600_000;

export class DueTimer {
  private handle: unknown = null;
  private at: number | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly fire: () => void,
  ) {}

  arm(due: number | null): void {
    if (due === null) return this.disarm();
    const now = this.clock.now();
    const at = Math.min(due, now + MAX_DELAY_MS);
    if (this.handle !== null && this.at === at) return;
    this.disarm();
    this.at = at;
    this.handle = this.clock.setTimeout(
      () => {
        this.handle = null;
        this.at = null;
        this.fire();
      },
      Math.max(0, at - now),
    );
  }

  disarm(): void {
    if (this.handle !== null) this.clock.clearTimeout(this.handle);
    this.handle = null;
    this.at = null;
  }
}
