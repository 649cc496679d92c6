/**
 * One request on an undici dispatcher, timed the way autocannon and `ab` time it: from the moment the request is
 * written to its connection until the parser has read the end of the response, both taken in the parser's own
 * callbacks (no stream or promise turns in between, which on a busy event loop add milliseconds that are ours, not
 * the server's). The body is counted and dropped chunk by chunk, and given up past the cap.
 *
 * This is the load generator's hot path (tens of thousands of attempts a second on one core), so an attempt is one
 * small object whose methods live on its prototype: no closures, no promise and no timer of its own. Its owner
 * keeps it in `inFlight` and calls `expire` from one coarse sweep (see TimeoutSweep), and is told how it ended
 * through a callback it created once.
 */
import type { Dispatcher } from 'undici';
import type { ResolvedRequest } from './types.js';

export type ExchangeEnd =
  | { kind: 'response'; status: number; latencyMs: number }
  /** the body grew past the cap; the rest was not read */
  | { kind: 'too-large'; status: number }
  /** no complete response within the timeout; latencyMs is the time given up (from when the request was queued) */
  | { kind: 'timeout'; latencyMs: number }
  /** refused, reset, closed without an answer, dispatcher destroyed, cut off by a stop, ... */
  | { kind: 'error'; error: unknown };

export interface ExchangeLimits {
  timeoutMs: number;
  maxBodyBytes: number;
}

/** how an attempt reports its one end; called exactly once, possibly synchronously from `Attempt.start` */
export type OnExchangeEnd = (end: ExchangeEnd) => void;

/** A request as undici's dispatch() takes it, built once per configured request and reused for every attempt. */
export function dispatchOptions(request: ResolvedRequest): Dispatcher.DispatchOptions {
  return { path: request.path, method: request.method, headers: request.headers, body: request.body ?? null };
}

export class Attempt implements Dispatcher.DispatchHandler {
  readonly queuedAt = performance.now();
  private writtenAt = 0;
  private status = 0;
  private bytes = 0;
  private controller: Dispatcher.DispatchController | null = null;
  private settled = false;

  private constructor(
    private readonly limits: ExchangeLimits,
    private readonly onEnd: OnExchangeEnd,
  ) {}

  static start(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, limits: ExchangeLimits, onEnd: OnExchangeEnd): Attempt {
    const attempt = new Attempt(limits, onEnd);
    dispatcher.dispatch(options, attempt);
    return attempt;
  }

  get ended(): boolean {
    return this.settled;
  }

  /** Gives up when the attempt is past its timeout at `now`; true when it did. */
  expire(now: number): boolean {
    if (this.settled || now - this.queuedAt < this.limits.timeoutMs) return false;
    this.giveUp({ kind: 'timeout', latencyMs: now - this.queuedAt }, 'request timeout');
    return true;
  }

  /** Ends the attempt now as an error (a stop): the owner hears of it at once, not when undici gets round to it. */
  cancel(reason: string): void {
    this.giveUp({ kind: 'error', error: new Error(reason) }, reason);
  }

  // undici 8 calls only these controller-style hooks; onRequestStart is where the old onConnect was.
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    this.writtenAt = performance.now();
    // given up while still waiting for its connection: do not send it now
    if (this.settled) controller.abort(new Error('request timeout'));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes <= this.limits.maxBodyBytes) return;
    // Stop the parser first, so no more of the body is read into memory.
    controller.pause();
    this.giveUp({ kind: 'too-large', status: this.status }, 'response body over the cap');
  }

  onResponseEnd(): void {
    this.settle({ kind: 'response', status: this.status, latencyMs: performance.now() - (this.controller ? this.writtenAt : this.queuedAt) });
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    this.settle({ kind: 'error', error });
  }

  private settle(end: ExchangeEnd): void {
    if (this.settled) return;
    this.settled = true;
    this.onEnd(end);
  }

  private giveUp(end: ExchangeEnd, why: string): void {
    this.settle(end);
    this.controller?.abort(new Error(why));
  }
}

/**
 * One coarse timer for every attempt of a run instead of a timer per request: every `tickMs` (a hundredth of the
 * timeout, 1..100 ms) it expires what is overdue, so a timeout is given up at most 1 % (at most 100 ms) late.
 */
export class TimeoutSweep {
  private readonly timer: NodeJS.Timeout;

  constructor(timeoutMs: number, inFlight: ReadonlyArray<{ expire(now: number): boolean } | null>) {
    const tickMs = Math.min(100, Math.max(1, Math.floor(timeoutMs / 100)));
    this.timer = setInterval(() => {
      const now = performance.now();
      for (const attempt of inFlight) attempt?.expire(now);
    }, tickMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
