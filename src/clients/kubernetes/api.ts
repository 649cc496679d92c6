/**
 * The client library calls, made cancellable and turned into stable error codes. Every call carries the probe's
 * AbortSignal (through a per-call middleware) and is also raced against it, so an auth plugin or a stuck socket
 * can never hold a probe past its deadline.
 */
import { deadline } from '../../support/abort.js';
import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  Observable,
  type ConfigurationOptions,
  type KubeConfig,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { ProbeError, errorMessage, type ErrorInfo } from '../../model/errors.js';

export interface KubeApis {
  core: CoreV1Api;
  discovery: DiscoveryV1Api;
  custom: CustomObjectsApi;
  coordination: CoordinationV1Api;
}

export function makeApis(kubeConfig: KubeConfig): KubeApis {
  return {
    core: kubeConfig.makeApiClient(CoreV1Api),
    discovery: kubeConfig.makeApiClient(DiscoveryV1Api),
    custom: kubeConfig.makeApiClient(CustomObjectsApi),
    coordination: kubeConfig.makeApiClient(CoordinationV1Api),
  };
}

/** Per-call options that attach `signal` to the request the library is about to send. */
export function withSignal(signal: AbortSignal): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre(context: RequestContext) {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post(context: ResponseContext) {
      return new Observable(Promise.resolve(context));
    },
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

/** The HTTP status of a failed call, or undefined when the request never got an answer. */
export function statusOf(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

interface StatusBody {
  reason?: string;
  message?: string;
}

function parseStatus(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      return parseStatus(JSON.parse(body) as unknown);
    } catch {
      return { message: body.slice(0, 300) };
    }
  }
  if (body && typeof body === 'object') {
    const { reason, message } = body as Record<string, unknown>;
    return { reason: typeof reason === 'string' ? reason : undefined, message: typeof message === 'string' ? message : undefined };
  }
  return {};
}

/** Maps a failed call to RP_ERR_K8S_FORBIDDEN / RP_ERR_K8S_API (or the runner's abort reason) with status and reason. */
export function k8sErrorInfo(err: unknown, what: string, signal: AbortSignal): ErrorInfo {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof ProbeError) return reason.toInfo();
    return { code: 'RP_ERR_PROBE_TIMEOUT', message: `${what}: no answer before the deadline` };
  }
  if (err instanceof ProbeError) return err.toInfo();
  if (err instanceof ApiException) {
    const status = parseStatus(err.body);
    const detail = [status.reason, status.message].filter(Boolean).join(': ') || 'no Status body';
    const code = err.code === 403 ? 'RP_ERR_K8S_FORBIDDEN' : 'RP_ERR_K8S_API';
    return { code, message: `${what}: HTTP ${err.code} ${detail}` };
  }
  const name = err instanceof Error ? err.name : '';
  if (name === 'AbortError') return { code: 'RP_ERR_K8S_API', message: `${what}: request timed out` };
  const socketError = innermostCause(err);
  const errno = (socketError as { code?: unknown } | null)?.code;
  return { code: 'RP_ERR_K8S_API', message: `${what}: ${errorMessage(socketError)}${typeof errno === 'string' ? ` [${errno}]` : ''}` };
}

/**
 * The client's fetch reports every network failure as a bare "fetch failed" whose `cause` is the socket or TLS
 * error (ECONNREFUSED, certificate errors): that is what an operator needs to see, not the wrapper.
 */
function innermostCause(err: unknown): unknown {
  let current = err;
  for (let depth = 0; depth < 4 && current instanceof Error && current.cause !== undefined; depth++) current = current.cause;
  return current;
}

/** Resolves with the call's value or rejects as soon as `signal` aborts, whichever comes first. */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

export type CallResult<T> = { ok: true; value: T } | { ok: false; status: number | undefined; error: ErrorInfo };

/**
 * Runs one API call with a per-request timeout on top of the probe's signal; never throws.
 * `what` names the call in messages (`list pods app=api`).
 */
export async function call<T>(
  what: string,
  signal: AbortSignal,
  timeoutMs: number,
  run: (options: ConfigurationOptions) => Promise<T>,
): Promise<CallResult<T>> {
  const request = deadline(signal, timeoutMs);
  try {
    return { ok: true, value: await raceSignal(run(withSignal(request.signal)), request.signal) };
  } catch (err) {
    const info = request.timedOut()
      ? { code: 'RP_ERR_K8S_API' as const, message: `${what}: no answer within ${timeoutMs} ms` }
      : k8sErrorInfo(err, what, signal);
    return { ok: false, status: statusOf(err), error: info };
  } finally {
    request.dispose();
  }
}
