import { AsyncLocalStorage } from 'node:async_hooks';
import { lookup } from 'node:dns';
import { readFileSync } from 'node:fs';
import { rootCertificates, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { Agent, buildConnector, type Dispatcher } from './undici.js';
import { tlsFactsOf, verificationError } from './tls-facts.js';
import type { ConnectionFacts } from '../model/results.js';

export type { ConnectionFacts };

/** Connection-phase timings of one request, in milliseconds; zero when a kept-alive connection was reused. */
export interface ConnectionPhases {
  resolve: number;
  connect: number;
  tls: number;
  /** true when this request opened its own connection */
  fresh: boolean;
  /** how far the connection got, so a timeout can say whether it was the connect or the response */
  stage: 'idle' | 'resolving' | 'connecting' | 'connected';
  /** when the request was handed to the pool, and when a connection took it (its headers are written next) */
  dispatchedAt?: number;
  assignedAt?: number;
  /** the address connected to and, over TLS, what the handshake showed; set with the connection that carried it */
  connection?: ConnectionFacts;
}

/** `https://host:443`: the key connection facts are kept under, from a URL or a connector's options alike. */
export function connectionKey(protocol: string, hostname: string, port: string | number | null | undefined): string {
  return `${protocol}//${hostname}:${port || (protocol === 'https:' ? 443 : 80)}`;
}

/** Connections per origin in the shared pool; requests beyond this wait in our own queue. */
export const POOL_CONNECTIONS = 64;

/**
 * How long the request waited for a connection of our own pool, in ms: the time between handing it over and a
 * connection taking it, less the connection it opened itself. A request that never got a connection waited all along.
 * This is our queue, not the API's latency, so callers take it out of the request's duration.
 */
export function queuedMs(phases: ConnectionPhases, endMs: number): number {
  if (phases.dispatchedAt === undefined) return 0;
  if (phases.assignedAt === undefined) return phases.stage === 'idle' ? endMs - phases.dispatchedAt : 0;
  return Math.max(0, phases.assignedAt - phases.dispatchedAt - phases.resolve - phases.connect - phases.tls);
}

const phaseStore = new AsyncLocalStorage<ConnectionPhases>();

export function newPhases(): ConnectionPhases {
  return { resolve: 0, connect: 0, tls: 0, fresh: false, stage: 'idle' };
}

/** Runs `fn` so that a connection it opens records its timings into `phases`. */
export function withPhases<T>(phases: ConnectionPhases, fn: () => Promise<T>): Promise<T> {
  return phaseStore.run(phases, fn);
}

interface ConnectorOptions {
  connectTimeoutMs: number;
  /** verify the server's chain and name; checked here, after the handshake, so a rejected chain's facts are kept */
  verify: boolean;
  ca?: string[];
  /** every new connection's facts, so a request on a kept-alive connection can still name them */
  remember: (key: string, facts: ConnectionFacts) => void;
  recall: (key: string) => ConnectionFacts | undefined;
}

/**
 * A connector that times DNS, TCP connect and TLS separately, like blackbox_exporter's phases. The connector runs
 * synchronously inside the dispatch that needed a new connection, so the async context is that request's.
 */
function timedConnector(settings: ConnectorOptions): buildConnector.connector {
  const base = buildConnector({ timeout: settings.connectTimeoutMs, rejectUnauthorized: false, ...(settings.ca ? { ca: settings.ca } : {}) });
  return (options, callback) => {
    const phases = phaseStore.getStore();
    const started = performance.now();
    if (phases) {
      phases.fresh = true;
      phases.stage = 'resolving';
    }
    const host = options.hostname.replace(/^\[|\]$/g, '');
    const https = options.protocol === 'https:';
    const onResolved = (address: string): void => {
      const resolved = performance.now();
      if (phases) {
        phases.resolve = resolved - started;
        phases.stage = 'connecting';
      }
      let tcpDone = resolved;
      const socket = base({ ...options, hostname: address }, (err, sock) => {
        let error = err;
        if (!err) {
          const key = connectionKey(options.protocol, options.hostname, options.port);
          const facts: ConnectionFacts = { address };
          // a resumed TLS session shows no peer certificate: it is the one the session was first made with
          const tls = https ? (tlsFactsOf(sock as TLSSocket) ?? settings.recall(key)?.tls) : undefined;
          if (tls) facts.tls = tls;
          settings.remember(key, facts);
          if (phases) phases.connection = facts;
          if (settings.verify && tls && !tls.authorized) {
            error = verificationError(tls);
            (sock as TLSSocket).destroy();
          }
        }
        if (phases && !error) {
          const now = performance.now();
          if (https) phases.tls = now - tcpDone;
          else phases.connect = now - resolved;
          phases.stage = 'connected';
        }
        // undici types the callback as two overloads (error, or socket); ours forwards whichever arrived
        (callback as (error: Error | null, socket: unknown) => void)(error, error ? null : sock);
      }) as unknown as Socket | undefined;
      if (https && socket && typeof socket.once === 'function') {
        socket.once('connect', () => {
          tcpDone = performance.now();
          if (phases) phases.connect = tcpDone - resolved;
        });
      }
    };
    if (isIP(host)) return onResolved(host);
    lookup(host, (err, address) => {
      if (err) return callback(err, null);
      onResolved(address);
    });
  };
}

/** Passes every callback through, noting when a connection takes the request (undici calls onRequestStart then). */
class AssignmentHandler implements Dispatcher.DispatchHandler {
  constructor(
    private readonly inner: Dispatcher.DispatchHandler,
    private readonly phases: ConnectionPhases,
    private readonly signal: AbortSignal | undefined,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    // undici settles an aborted request only once a connection takes it: it was never sent, it waited all along
    if (!this.signal?.aborted) this.phases.assignedAt = performance.now();
    this.inner.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, socket: Duplex): void {
    this.inner.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
    this.inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.inner.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    this.inner.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.inner.onResponseError?.(controller, error);
  }
}

/** Dispatch runs synchronously inside the caller's request, so the async context names the phases to fill. */
const timeAssignment: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => {
  const phases = phaseStore.getStore();
  if (!phases) return dispatch(opts, handler);
  phases.dispatchedAt = performance.now();
  phases.assignedAt = undefined;
  // request options reach the dispatch whole, the signal with them
  const requested: unknown = (opts as { signal?: unknown }).signal;
  const signal = requested instanceof AbortSignal ? requested : undefined;
  return dispatch(opts, new AssignmentHandler(handler, phases, signal));
};

/** Shared HTTP clients: one Agent, hence one keep-alive pool per origin, closed when the owner is done. */
export class HttpResources {
  private readonly agents = new Map<string, { agent: Agent; timed: Dispatcher }>();
  private readonly facts = new Map<string, ConnectionFacts>();

  /** @param connections per origin; a smaller pool makes requests queue sooner (tests use that) */
  constructor(private readonly connections = POOL_CONNECTIONS) {}

  /**
   * @param options.caFile a PEM bundle trusted besides the system's roots (a private CA); read once, when the agent
   *   for it is first asked for, so a missing file fails the requests that need it with its path named
   */
  agent(options: { connectTimeoutMs: number; insecure?: boolean; caFile?: string }): Dispatcher {
    const key = `${options.connectTimeoutMs}:${options.insecure ? 1 : 0}:${options.caFile ?? ''}`;
    let entry = this.agents.get(key);
    if (!entry) {
      const ca = options.caFile ? [...rootCertificates, readFileSync(options.caFile, 'utf8')] : undefined;
      const agent = new Agent({
        connect: timedConnector({
          connectTimeoutMs: options.connectTimeoutMs,
          verify: !options.insecure,
          ...(ca ? { ca } : {}),
          remember: (at, facts) => this.facts.set(at, facts),
          recall: (at) => this.facts.get(at),
        }),
        keepAliveTimeout: 10_000,
        connections: this.connections,
      });
      entry = { agent, timed: agent.compose(timeAssignment) };
      this.agents.set(key, entry);
    }
    return entry.timed;
  }

  /** What the latest connection to `url`'s origin showed (its address, its certificates); kept-alive requests read it. */
  connectionFacts(url: URL): ConnectionFacts | undefined {
    return this.facts.get(connectionKey(url.protocol, url.hostname, url.port));
  }

  async close(): Promise<void> {
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(agents.map(({ agent }) => agent.destroy().catch(() => undefined)));
  }
}
