import { AsyncLocalStorage } from 'node:async_hooks';
import { lookup } from 'node:dns';
import { isIP } from 'node:net';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent, buildConnector } from 'undici';

/** Connection-phase timings of one request, in milliseconds; zero when a kept-alive connection was reused. */
export interface ConnectionPhases {
  resolve: number;
  connect: number;
  tls: number;
  /** true when this request opened its own connection */
  fresh: boolean;
  /** how far the connection got, so a timeout can say whether it was the connect or the response */
  stage: 'idle' | 'resolving' | 'connecting' | 'connected';
}

const phaseStore = new AsyncLocalStorage<ConnectionPhases>();

export function newPhases(): ConnectionPhases {
  return { resolve: 0, connect: 0, tls: 0, fresh: false, stage: 'idle' };
}

/** Runs `fn` so that a connection it opens records its timings into `phases`. */
export function withPhases<T>(phases: ConnectionPhases, fn: () => Promise<T>): Promise<T> {
  return phaseStore.run(phases, fn);
}

/**
 * A connector that times DNS, TCP connect and TLS separately, like blackbox_exporter's phases. The connector runs
 * synchronously inside the dispatch that needed a new connection, so the async context is that request's.
 */
function timedConnector(connectTimeoutMs: number, rejectUnauthorized: boolean): buildConnector.connector {
  const base = buildConnector({ timeout: connectTimeoutMs, rejectUnauthorized });
  return (options, callback) => {
    const phases = phaseStore.getStore();
    const started = performance.now();
    if (phases) {
      phases.fresh = true;
      phases.stage = 'resolving';
    }
    const host = options.hostname.replace(/^\[|\]$/g, '');
    const onResolved = (address: string): void => {
      const resolved = performance.now();
      if (phases) {
        phases.resolve = resolved - started;
        phases.stage = 'connecting';
      }
      let tcpDone = resolved;
      const socket = base({ ...options, hostname: address }, (err, sock) => {
        if (phases && !err) {
          const now = performance.now();
          if (options.protocol === 'https:') phases.tls = now - tcpDone;
          else phases.connect = now - resolved;
          phases.stage = 'connected';
        }
        callback(err, sock as never);
      }) as unknown as Socket | undefined;
      if (options.protocol === 'https:' && socket && typeof socket.once === 'function') {
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

/** Shared HTTP clients: one Agent, hence one keep-alive pool per origin, closed when the owner is done. */
export class HttpResources {
  private readonly agents = new Map<string, Agent>();

  agent(options: { connectTimeoutMs: number; insecure?: boolean }): Agent {
    const key = `${options.connectTimeoutMs}:${options.insecure ? 1 : 0}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = new Agent({
        connect: timedConnector(options.connectTimeoutMs, !options.insecure),
        keepAliveTimeout: 10_000,
        connections: 64,
      });
      this.agents.set(key, agent);
    }
    return agent;
  }

  async close(): Promise<void> {
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(agents.map((agent) => agent.destroy().catch(() => undefined)));
  }
}
