/**
 * One HTTP exchange read into memory through undici's dispatch API, for the endpoint probes. undici's `request()`
 * wraps every response in a Readable stream (its state, buffer list, listeners, ticks) and listens to the signal
 * twice; a probe only wants the status, the headers and a capped body, so the handler here collects the chunks as
 * they arrive. Aborts behave as with `request()`: an already aborted signal dispatches nothing, a request still
 * waiting for a connection of the pool is taken out of its queue, a started one is aborted with the signal's reason,
 * and that reason is what the promise rejects with.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ProbeError } from '../model/errors.js';
import { queuedAbortHook, type Dispatcher } from './undici.js';

export interface ExchangeOptions {
  origin: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal;
  headersTimeout: number;
  bodyTimeout: number;
  /** a body longer than this fails the exchange with RP_ERR_BODY_TOO_LARGE */
  maxBodyBytes: number;
  /** called when the final (non-1xx) response head arrives, before its body: a failure after it still knows the status */
  onHead?: (statusCode: number, headers: IncomingHttpHeaders) => void;
}

export interface Exchanged {
  statusCode: number;
  headers: IncomingHttpHeaders;
  text: string;
  bytes: number;
}

type Cancel = (reason: Error) => void;

class Collector implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  /** the dispatcher's way to take the request out of its queue, until a connection takes it */
  private cancelQueued: Cancel | null = null;
  /** why it was aborted before a connection took it: applied when one does */
  private reason: Error | undefined = undefined;
  private aborted = false;
  private settled = false;
  private statusCode = 0;
  private headers: IncomingHttpHeaders = {};
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(
    private readonly options: ExchangeOptions,
    private readonly resolve: (answer: Exchanged) => void,
    private readonly reject: (err: unknown) => void,
  ) {}

  readonly onAbort = (): void => {
    // undici hands the reason on as the error, whatever it is (a ProbeError, a DOMException)
    const reason = this.options.signal.reason as Error;
    if (this.settled || this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    if (this.controller) this.controller.abort(reason);
    else this.cancelQueued?.(reason);
  };

  readonly onQueued = (cancel: Cancel): void => {
    if (this.aborted) cancel(this.reason as Error);
    else this.cancelQueued = cancel;
  };

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.cancelQueued = null;
    if (this.aborted) return controller.abort(this.reason as Error);
    this.controller = controller;
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // an informational answer (100 Continue, 103 Early Hints) is not the response
    if (statusCode < 200) return;
    this.statusCode = statusCode;
    this.headers = headers;
    this.options.onHead?.(statusCode, headers);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytes += chunk.length;
    const cap = this.options.maxBodyBytes;
    if (this.bytes > cap) controller.abort(new ProbeError('RP_ERR_BODY_TOO_LARGE', `response body exceeded ${cap} bytes`));
    else this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (!this.settle()) return;
    const { chunks } = this;
    const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8');
    this.resolve({ statusCode: this.statusCode, headers: this.headers, text, bytes: this.bytes });
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    if (this.settle()) this.reject(error);
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.options.signal.removeEventListener('abort', this.onAbort);
    return true;
  }
}

/** Sends the request and reads the whole answer; rejects with what undici (or the signal, or the cap) failed it with. */
export function exchange(dispatcher: Dispatcher, options: ExchangeOptions): Promise<Exchanged> {
  return new Promise<Exchanged>((resolve, reject) => {
    const { signal } = options;
    // as request() does: nothing is dispatched for a signal that has already fired
    if (signal.aborted) return reject(signal.reason as Error);
    const collector = new Collector(options, resolve, reject);
    signal.addEventListener('abort', collector.onAbort, { once: true });
    const opts: Dispatcher.DispatchOptions & Record<symbol, Cancel | ((cancel: Cancel) => void)> = {
      origin: options.origin,
      path: options.path,
      method: options.method,
      headers: options.headers,
      body: options.body,
      // not read by undici's dispatchers; the pool-wait timing reads it (http-agent.ts)
      signal,
      headersTimeout: options.headersTimeout,
      bodyTimeout: options.bodyTimeout,
    } as Dispatcher.DispatchOptions & Record<symbol, Cancel | ((cancel: Cancel) => void)>;
    if (queuedAbortHook) opts[queuedAbortHook] = collector.onQueued;
    try {
      dispatcher.dispatch(opts, collector);
    } catch (err) {
      collector.onResponseError(null, err as Error);
    }
  });
}
