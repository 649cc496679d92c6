/**
 * The engine's documents as keys of one ConfigMap (`incidents.store: kubernetes`), so replicas share state without
 * a ReadWriteMany volume. Every write is a replace carrying the resourceVersion last seen: the API server refuses
 * it with 409 when the object moved on, and then the object is read again and the change re-applied — unless the
 * key itself was changed by another writer, which is reported as Superseded rather than overwritten.
 *
 * The daemon never creates the object (RBAC cannot limit `create` to one name): the manifests ship it empty.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';
import { call, type CallResult } from '../clients/kubernetes/api.js';
import { Superseded, type DocumentName, type StateDocuments } from './documents.js';

export type ConfigMapApi = Pick<CoreV1Api, 'readNamespacedConfigMap' | 'replaceNamespacedConfigMap'>;

/** The API server refuses a ConfigMap whose keys and values exceed 1 MiB together. */
export const CONFIGMAP_LIMIT = 1024 * 1024;
/** Room left for the maintenance windows and the keys; the incident state is compacted to stay under this. */
export const STATE_BUDGET = 768 * 1024;
const MAX_ATTEMPTS = 8;
const READ_ATTEMPTS = 3;
const REQUEST_TIMEOUT_MS = 10_000;

/** A write that did not happen, with a short code for the write-health report (Forbidden, NotFound, TooLarge...). */
export class StoreWriteError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StoreWriteError';
  }
}

export interface ConfigMapDocumentsOptions {
  api: ConfigMapApi;
  namespace: string;
  name: string;
  /** delay before retry `attempt` (1-based) after a 409; jittered exponential by default */
  backoffMs?: (attempt: number) => number;
  /** defaults to STATE_BUDGET */
  stateBudget?: number;
}

function defaultBackoff(attempt: number): number {
  return Math.min(1_000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2);
}

export function dataSize(data: Readonly<Record<string, string>>): number {
  return Object.entries(data).reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value), 0);
}

export class ConfigMapDocuments implements StateDocuments {
  readonly stateBudget: number;
  readonly location: string;
  private readonly controller = new AbortController();
  /** the object as last read or written: a write starts from it and only re-reads on a 409 */
  private cached: V1ConfigMap | null = null;
  /** 409s met (each one re-read and re-applied) */
  conflicts = 0;

  constructor(private readonly options: ConfigMapDocumentsOptions) {
    this.location = `ConfigMap ${options.namespace}/${options.name}`;
    this.stateBudget = options.stateBudget ?? STATE_BUDGET;
  }

  get remedies(): readonly string[] {
    const { namespace, name } = this.options;
    return [
      `kubectl get configmap ${name} -n ${namespace} (it must exist: the manifests create it empty)`,
      `kubectl auth can-i update configmap/${name} -n ${namespace} --as=system:serviceaccount:${namespace}:radar-probe`,
    ];
  }

  describe(name: DocumentName): string {
    return `${this.location} key ${name}`;
  }

  async prepare(): Promise<void> {
    // nothing to clean up: a replace is atomic on the server
  }

  async read(name: DocumentName): Promise<string | null> {
    const object = await this.fetch();
    return object?.data?.[name] ?? null;
  }

  async write(name: DocumentName, text: string, expected?: readonly (string | null)[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const current = this.cached ?? (await this.fetch());
      if (!current) throw this.missing();
      if (expected && !expected.includes(current.data?.[name] ?? null)) throw new Superseded(this.describe(name));
      const data = { ...current.data, [name]: text };
      const size = dataSize(data);
      if (size > CONFIGMAP_LIMIT)
        throw new StoreWriteError('TooLarge', `${this.describe(name)}: ${size} bytes would exceed the ConfigMap limit of ${CONFIGMAP_LIMIT}`);
      const body: V1ConfigMap = { ...current, data };
      const replaced = await this.call('update', (o) => this.options.api.replaceNamespacedConfigMap({ ...this.ref(), body }, o));
      if (replaced.ok) {
        this.cached = replaced.value;
        return;
      }
      this.cached = null;
      if (replaced.status !== 409) throw this.failure(replaced);
      this.conflicts += 1;
      if (attempt >= MAX_ATTEMPTS)
        throw new StoreWriteError(
          'Conflict',
          `${this.describe(name)}: still conflicting after ${MAX_ATTEMPTS} attempts; the next commit tries again`,
        );
      await sleep((this.options.backoffMs ?? defaultBackoff)(attempt), undefined, { signal: this.controller.signal });
    }
  }

  /** Moves the unusable text to the key `<name>.corrupt` (one replace), so a human can still read it. */
  async setAside(name: DocumentName): Promise<string> {
    const current = await this.fetch();
    const text = current?.data?.[name];
    if (!current || text === undefined) return `${this.describe(name)} (gone already)`;
    const aside = `${name}.corrupt`;
    const { [name]: _unusable, ...rest } = current.data ?? {};
    const body: V1ConfigMap = { ...current, data: { ...rest, [aside]: text } };
    const moved = await this.call('update', (o) => this.options.api.replaceNamespacedConfigMap({ ...this.ref(), body }, o));
    this.cached = moved.ok ? moved.value : null;
    return moved.ok ? `${this.location} key ${aside}` : `${this.describe(name)} (not moved: ${moved.error.message}; the next write replaces it)`;
  }

  close(): void {
    this.controller.abort();
  }

  private ref(): { namespace: string; name: string } {
    return { namespace: this.options.namespace, name: this.options.name };
  }

  /** The object now, or null when it does not exist. */
  private async fetch(): Promise<V1ConfigMap | null> {
    for (let attempt = 1; ; attempt++) {
      const read = await this.call('get', (o) => this.options.api.readNamespacedConfigMap(this.ref(), o));
      if (read.ok) return (this.cached = read.value);
      this.cached = null;
      if (read.status === 404) return null;
      // an API server restarting or throttling answers again shortly; RBAC and bad requests do not
      const transient = read.status === undefined || read.status === 429 || read.status >= 500;
      if (!transient || attempt >= READ_ATTEMPTS) throw this.failure(read);
      await sleep((this.options.backoffMs ?? defaultBackoff)(attempt + 2), undefined, { signal: this.controller.signal });
    }
  }

  private call<T>(verb: string, run: Parameters<typeof call<T>>[3]): Promise<CallResult<T>> {
    return call(`${verb} ${this.location}`, this.controller.signal, REQUEST_TIMEOUT_MS, run);
  }

  private missing(): StoreWriteError {
    const { namespace, name } = this.options;
    return new StoreWriteError(
      'NotFound',
      `${this.location} does not exist: apply the manifests (they create it) or kubectl create configmap ${name} -n ${namespace}`,
    );
  }

  private failure(result: { status: number | undefined; error: { message: string } }): StoreWriteError {
    if (result.status === 404) return this.missing();
    const code = result.status === 403 ? 'Forbidden' : result.status === undefined ? 'Unreachable' : `HTTP${result.status}`;
    return new StoreWriteError(code, result.error.message);
  }
}
