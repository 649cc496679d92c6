/**
 * The parts of undici the daemon uses. `import 'undici'` loads all of it — fetch, WebSocket, caches, mocks, proxies:
 * ~110 modules and ~13 MB resident — where probes and sinks need an Agent, a Pool, a connector and `request`. These
 * are undici's own classes (test/clients/undici.test.ts holds them identical to the package's exports), and
 * `request` is wired onto the dispatchers exactly as undici's index does it.
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const load = createRequire(import.meta.url);

interface UndiciParts {
  Agent: typeof Undici.Agent;
  Pool: typeof Undici.Pool;
  buildConnector: typeof Undici.buildConnector;
  getGlobalDispatcher: typeof Undici.getGlobalDispatcher;
}

/**
 * undici's files by path: they are not its public API, so an undici release that moves one must cost memory, not
 * start-up — then the whole package is loaded instead.
 */
function slimParts(): UndiciParts | null {
  try {
    const DispatcherBase = load('undici/lib/dispatcher/dispatcher.js') as { prototype: object };
    const api = load('undici/lib/api/index.js') as object;
    const parts = {
      Agent: load('undici/lib/dispatcher/agent.js') as typeof Undici.Agent,
      Pool: load('undici/lib/dispatcher/pool.js') as typeof Undici.Pool,
      buildConnector: load('undici/lib/core/connect.js') as typeof Undici.buildConnector,
      getGlobalDispatcher: (load('undici/lib/global.js') as Pick<UndiciParts, 'getGlobalDispatcher'>).getGlobalDispatcher,
    };
    if (![parts.Agent, parts.Pool, parts.buildConnector, parts.getGlobalDispatcher].every((part) => typeof part === 'function')) return null;
    Object.assign(DispatcherBase.prototype, api);
    return parts;
  } catch {
    return null;
  }
}

const parts: UndiciParts = slimParts() ?? (load('undici') as UndiciParts);

/**
 * The option key (undici's own symbol, not public API) under which a dispatch passes a hook that hands back a function
 * to take the request out of a pool's queue: how `request()` fails a request whose signal fired while it waited for a
 * connection. Undefined in an undici without it; an aborted queued request is then failed when a connection takes it.
 */
export const queuedAbortHook: symbol | undefined = (() => {
  try {
    const symbol: unknown = (load('undici/lib/core/symbols.js') as { kQueuedAbort?: unknown }).kQueuedAbort;
    return typeof symbol === 'symbol' ? symbol : undefined;
  } catch {
    return undefined;
  }
})();
const { getGlobalDispatcher } = parts;

export const Agent = parts.Agent;
export type Agent = Undici.Agent;
export const Pool = parts.Pool;
export type Pool = Undici.Pool;
export const buildConnector = parts.buildConnector;
// eslint-disable-next-line @typescript-eslint/no-namespace -- re-exports undici's namespace of connector types
export declare namespace buildConnector {
  type connector = Undici.buildConnector.connector;
}
export type { Dispatcher } from 'undici';

type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> &
  Partial<Pick<Undici.Dispatcher.RequestOptions, 'method'>> & { dispatcher?: Undici.Dispatcher };

/** undici's top-level `request(url, options)`: the URL's origin and path, on the given dispatcher or the global one. */
export function request(url: string | URL, options: RequestOptions = {}): Promise<Undici.Dispatcher.ResponseData> {
  const { dispatcher = getGlobalDispatcher(), ...rest } = options;
  const parsed = new URL(url);
  return dispatcher.request({
    ...rest,
    origin: parsed.origin,
    path: `${parsed.pathname}${parsed.search}`,
    method: options.method ?? (options.body ? 'PUT' : 'GET'),
  });
}
