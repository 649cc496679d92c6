/**
 * One closed-loop lane of the load probe on its own HTTP/1.1 connection (node:net or node:tls), without undici:
 * the next request's prebuilt bytes are written from inside the read that completed the previous response, the way
 * autocannon does it, so no event-loop turn passes between an answer and the next request. Unlike autocannon, every
 * attempt ends as exactly one counted outcome: a response (any status), a body over the cap, a timeout (from the
 * run's TimeoutSweep), or a transport error (refused, reset, closed without an answer, a response it cannot parse).
 * Bodies are counted and dropped. One request on the wire at a time; a connection that is closed, says
 * `Connection: close`, or sends bytes nobody asked for is dropped and the next request opens a fresh one.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ExchangeEnd, ExchangeLimits, OnExchangeEnd } from './exchange.js';
import type { Http1Request } from './http1-request.js';
import { ResponseParser, type ResponseEvents } from './http1-response.js';

export interface LaneTarget {
  host: string;
  port: number;
  tls: boolean;
}

export function laneTarget(origin: URL): LaneTarget | null {
  const tls = origin.protocol === 'https:';
  if (!tls && origin.protocol !== 'http:') return null;
  return { host: origin.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(origin.port) || (tls ? 443 : 80), tls };
}

/** the code the undici path gives a connection closed without (the rest of) an answer, so both paths count alike */
export const CLOSED_WITHOUT_ANSWER = 'UND_ERR_SOCKET';

function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

export class Http1Lane implements ResponseEvents {
  private socket: Socket | null = null;
  private connected = false;
  private readonly parser = new ResponseParser(this);
  private busy = false;
  private queuedAt = 0;
  private writtenAt = 0;
  private status = 0;
  private bytes = 0;

  constructor(
    private readonly target: LaneTarget,
    private readonly limits: ExchangeLimits,
    private readonly onEnd: OnExchangeEnd,
  ) {}

  /** Writes one request; its outcome comes through onEnd, never synchronously from here. */
  send(request: Http1Request): void {
    this.busy = true;
    this.status = 0;
    this.bytes = 0;
    this.queuedAt = performance.now();
    this.writtenAt = this.queuedAt;
    const socket = this.socket ?? this.open();
    this.parser.expect(request.headOnly);
    socket.write(request.bytes);
  }

  /** Gives up when the attempt is past its timeout at `now` (the TimeoutSweep calls this); true when it did. */
  expire(now: number): boolean {
    if (!this.busy || now - this.queuedAt < this.limits.timeoutMs) return false;
    this.drop();
    this.end({ kind: 'timeout', latencyMs: now - this.queuedAt });
    return true;
  }

  /** Ends the attempt on the wire (a stop) and closes the connection. */
  cancel(reason: string): void {
    this.drop();
    this.end({ kind: 'error', error: new Error(reason) });
  }

  close(): void {
    this.drop();
  }

  onHead(status: number): void {
    this.status = status;
  }

  onBody(bytes: number): boolean {
    this.bytes += bytes;
    if (this.bytes <= this.limits.maxBodyBytes) return true;
    // the rest of the body is never read: the connection goes with it
    this.drop();
    this.end({ kind: 'too-large', status: this.status });
    return false;
  }

  onComplete(reusable: boolean): void {
    if (!reusable) this.drop();
    this.end({ kind: 'response', status: this.status, latencyMs: performance.now() - this.writtenAt });
  }

  onProtocolError(code: string, message: string): void {
    this.drop();
    this.end({ kind: 'error', error: codedError(code, message) });
  }

  private open(): Socket {
    const { host, port, tls } = this.target;
    const socket = tls
      ? tlsConnect({ host, port, ALPNProtocols: ['http/1.1'], ...(isIP(host) ? {} : { servername: host }) })
      : netConnect({ host, port });
    this.socket = socket;
    this.connected = false;
    socket.setNoDelay(true);
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      if (this.socket !== socket) return;
      this.connected = true;
      // a fresh connection's request leaves when it is up: its latency starts there, as undici's did
      if (this.busy) this.writtenAt = performance.now();
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.socket === socket) this.parser.execute(chunk);
    });
    socket.on('end', () => this.lost(socket, null));
    socket.on('error', (err: Error) => this.lost(socket, err));
    socket.on('close', () => this.lost(socket, null));
    return socket;
  }

  /** the connection ended under us: a body that runs until the close is complete now, anything else is an error */
  private lost(socket: Socket, err: Error | null): void {
    if (this.socket !== socket) return;
    this.socket = null;
    socket.destroy();
    if (!this.busy || (!err && this.parser.finish())) return;
    const why = this.connected ? 'the server closed the connection without a complete answer' : 'the connection closed before it was up';
    this.end({ kind: 'error', error: err ?? codedError(CLOSED_WITHOUT_ANSWER, why) });
  }

  private drop(): void {
    const socket = this.socket;
    this.socket = null;
    socket?.destroy();
  }

  private end(end: ExchangeEnd): void {
    if (!this.busy) return;
    this.busy = false;
    this.onEnd(end);
  }
}
