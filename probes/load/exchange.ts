/**
 * One request on an undici dispatcher, timed the way autocannon and `ab` time it: from the moment the request is
 * written to its connection until the parser has read the end of the response, both taken in the parser's own
 * callbacks (no stream or promise turns in between, which on a busy event loop add milliseconds that are ours, not
 * the server's). The body is counted and dropped chunk by chunk, and given up past the cap.
 */
import type { Dispatcher } from 'undici';
import type { ResolvedRequest } from './types.js';

export type ExchangeEnd =
  | { kind: 'response'; status: number; latencyMs: number }
  /** the body grew past the cap; the rest was not read */
  | { kind: 'too-large'; status: number }
  /** no complete response within the timeout; latencyMs is the time given up (from when the request was queued) */
  | { kind: 'timeout'; latencyMs: number }
  /** refused, reset, closed without an answer, dispatcher destroyed, ... */
  | { kind: 'error'; error: unknown };

export interface ExchangeLimits {
  timeoutMs: number;
  maxBodyBytes: number;
}

export function exchange(dispatcher: Dispatcher, request: ResolvedRequest, limits: ExchangeLimits): Promise<ExchangeEnd> {
  return new Promise((resolve) => {
    const queuedAt = performance.now();
    let writtenAt: number | null = null;
    let abort: ((reason?: Error) => void) | null = null;
    let status = 0;
    let bytes = 0;
    let settled = false;
    const settle = (end: ExchangeEnd): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(end);
    };
    const giveUp = (end: ExchangeEnd, why: string): void => {
      settle(end);
      abort?.(new Error(why));
    };
    const timer = setTimeout(() => giveUp({ kind: 'timeout', latencyMs: performance.now() - queuedAt }, 'request timeout'), limits.timeoutMs);
    dispatcher.dispatch(
      { path: request.path, method: request.method, headers: request.headers, body: request.body ?? null },
      {
        // undici 8 calls only these controller-style hooks; onRequestStart is where the old onConnect was.
        onRequestStart(controller: Dispatcher.DispatchController): void {
          abort = (reason) => controller.abort(reason ?? new Error('aborted'));
          writtenAt = performance.now();
          if (settled) controller.abort(new Error('request timeout'));
        },
        onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
          status = statusCode;
        },
        onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
          bytes += chunk.length;
          if (bytes <= limits.maxBodyBytes) return;
          // Stop the parser first (what returning false did before), so no more of the body is read into memory.
          controller.pause();
          giveUp({ kind: 'too-large', status }, 'response body over the cap');
        },
        onResponseEnd(): void {
          settle({ kind: 'response', status, latencyMs: performance.now() - (writtenAt ?? queuedAt) });
        },
        onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
          settle({ kind: 'error', error });
        },
      },
    );
  });
}
