/**
 * A Kubernetes API server stand-in for tests: plain HTTP on port 0, bearer-token auth, the real paths, real object
 * shapes (validated with kubernetes-models) and real Status errors. Drive it with the real client library through
 * the kubeconfig it writes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ILease } from 'kubernetes-models/coordination.k8s.io/v1/Lease';
import { ConfigMapStore } from './kube-apiserver/configmaps.js';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { LeaseStore } from './kube-apiserver/leases.js';
import { readLog, type Reply } from './kube-apiserver/logs.js';
import type { Workload } from './kube-apiserver/objects.js';
import { buildScenario, type ClusterState, type GuardedResource, type ScenarioName } from './kube-apiserver/scenarios.js';
import { matchesFields, matchesLabels } from './kube-apiserver/selectors.js';
import { endpointSliceList, endpointsObject, eventList, podList, podMetricsList, statusObject } from './kube-apiserver/validate.js';

export { buildScenario, SCENARIOS, type ClusterState, type ScenarioName } from './kube-apiserver/scenarios.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
}

export interface KubeApiServer {
  url: string;
  kubeconfigPath: string;
  token: string;
  state(): ClusterState;
  setScenario(scenario: ScenarioName | ClusterState, workload?: Partial<Workload>): void;
  readonly requests: RecordedRequest[];
  readonly leases: LeaseStore;
  readonly configMaps: ConfigMapStore;
  /** schema violations found while serving; close() rejects when there are any */
  readonly drift: string[];
  close(): Promise<void>;
}

/** Validates everything up front, so a bad scenario fails where it is built rather than mid-test. */
function checked(state: ClusterState): ClusterState {
  podList(state.pods, '1');
  eventList(state.events, '1');
  endpointSliceList(state.endpointSlices, '1');
  if (state.endpoints) endpointsObject(state.endpoints);
  if (state.podMetrics) podMetricsList(state.podMetrics);
  return state;
}

const forbidden = (ns: string, resource: GuardedResource, verb: string, group = ''): Reply => ({
  status: 403,
  body: statusObject(
    403,
    'Forbidden',
    `${resource} is forbidden: User "system:serviceaccount:${ns}:radar-probe" cannot ${verb} resource "${resource}" in API group "${group}" in the namespace "${ns}"`,
    { kind: resource },
  ),
});

const RV = '48213';
const notAllowed: Reply = {
  status: 405,
  body: statusObject(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`),
};

interface Stores {
  leases: LeaseStore;
  configMaps: ConfigMapStore;
}

const VERB_OF: Record<string, string> = { GET: 'get', POST: 'create', PUT: 'update', PATCH: 'patch' };

/** the stand-in merges; a JSON patch (the client's default content type) is refused rather than misread */
const MERGE_PATCHES = ['application/merge-patch+json', 'application/strategic-merge-patch+json'];
const unsupportedPatch = (type: string): Reply => ({
  status: 415,
  body: statusObject(415, 'UnsupportedMediaType', `the stand-in applies merge patches only, not ${type || 'a body without Content-Type'}`),
});

interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string;
  body: unknown;
}

function route(state: ClusterState, stores: Stores, { method, path, query, contentType, body }: Request): Reply {
  let m: RegExpExecArray | null;
  let ns = '';
  const refuse = (r: GuardedResource, verb: string, group?: string): Reply | null =>
    state.forbidden.includes(r) ? forbidden(ns, r, verb, group) : null;
  const inNs = <T extends { metadata?: { namespace?: string } }>(items: T[]): T[] => items.filter((i) => i.metadata?.namespace === ns);
  if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(path)) && method === 'GET') {
    ns = m[1]!;
    return (
      refuse('pods', 'list') ?? {
        status: 200,
        body: podList(
          inNs(state.pods).filter((p) => matchesLabels(p.metadata?.labels, query.get('labelSelector'))),
          RV,
        ),
      }
    );
  }
  if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(path)) && method === 'GET') {
    ns = m[1]!;
    return refuse('pods/log', 'get') ?? readLog(state, ns, m[2], query);
  }
  if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/events$/.exec(path)) && method === 'GET') {
    ns = m[1]!;
    const fields = query.get('fieldSelector');
    const items = inNs(state.events).filter((e) => matchesFields(e, fields));
    return refuse('events', 'list') ?? { status: 200, body: eventList(items.slice(0, Number(query.get('limit') ?? items.length)), RV) };
  }
  if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/endpoints\/([^/]+)$/.exec(path)) && method === 'GET') {
    ns = m[1]!;
    const found = state.endpoints && state.endpoints.metadata?.name === m[2] && state.endpoints.metadata?.namespace === ns;
    const missing = { status: 404, body: statusObject(404, 'NotFound', `endpoints "${m[2]}" not found`, { name: m[2], kind: 'endpoints' }) };
    return refuse('endpoints', 'get') ?? (found ? { status: 200, body: endpointsObject(state.endpoints!) } : missing);
  }
  if ((m = /^\/apis\/discovery\.k8s\.io\/v1\/namespaces\/([^/]+)\/endpointslices$/.exec(path)) && method === 'GET') {
    ns = m[1]!;
    const items = inNs(state.endpointSlices).filter((s) => matchesLabels(s.metadata?.labels, query.get('labelSelector')));
    return refuse('endpointslices', 'list', 'discovery.k8s.io') ?? { status: 200, body: endpointSliceList(items, RV) };
  }
  if ((m = /^\/apis\/metrics\.k8s\.io\/v1beta1\/namespaces\/([^/]+)\/pods$/.exec(path)) && method === 'GET') {
    ns = m[1]!;
    if (state.podMetrics === null) return { status: 404, body: statusObject(404, 'NotFound', 'the server could not find the requested resource') };
    const items = state.podMetrics.filter((p) => p.metadata.namespace === ns && matchesLabels(p.metadata.labels, query.get('labelSelector')));
    return refuse('metrics', 'list', 'metrics.k8s.io') ?? { status: 200, body: podMetricsList(items) };
  }
  if ((m = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases(?:\/([^/]+))?$/.exec(path))) {
    ns = m[1]!;
    const name = m[2];
    const denied = refuse('leases', VERB_OF[method] ?? 'update', 'coordination.k8s.io');
    if (denied) return denied;
    const { leases } = stores;
    if (method === 'GET' && name) return leases.get(ns, name);
    if (method === 'POST' && !name) return leases.create(ns, body as ILease);
    if (method === 'PUT' && name) return leases.replace(ns, name, body as ILease);
    return notAllowed;
  }
  if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps(?:\/([^/]+))?$/.exec(path))) {
    ns = m[1]!;
    const name = m[2];
    const denied = refuse('configmaps', VERB_OF[method] ?? 'update');
    if (denied) return denied;
    const { configMaps } = stores;
    if (method === 'GET' && name) return configMaps.get(ns, name);
    if (method === 'POST' && !name) return configMaps.create(ns, body as IConfigMap);
    if (method === 'PUT' && name) return configMaps.replace(ns, name, body as IConfigMap);
    if (method === 'PATCH' && name) return MERGE_PATCHES.includes(contentType) ? configMaps.patch(ns, name, body) : unsupportedPatch(contentType);
    return notAllowed;
  }
  return { status: 404, body: statusObject(404, 'NotFound', 'the server could not find the requested resource') };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

function kubeconfigYaml(url: string, token: string, namespace: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: stand-in`,
    `  cluster: { server: "${url}", insecure-skip-tls-verify: true }`,
    'users:',
    `- name: radar-probe`,
    `  user: { token: "${token}" }`,
    'contexts:',
    `- name: stand-in`,
    `  context: { cluster: stand-in, user: radar-probe, namespace: "${namespace}" }`,
    'current-context: stand-in',
    '',
  ].join('\n');
}

export async function startKubeApiServer(
  scenario: ScenarioName | ClusterState = 'healthy',
  options: { workload?: Partial<Workload>; token?: string } = {},
): Promise<KubeApiServer> {
  const token = options.token ?? 'stand-in-token-5f2c9a';
  let state = checked(typeof scenario === 'string' ? buildScenario(scenario, options.workload) : scenario);
  const stores: Stores = { leases: new LeaseStore(), configMaps: new ConfigMapStore() };
  const requests: RecordedRequest[] = [];
  const drift: string[] = [];
  const send = (res: ServerResponse, reply: Reply): void => {
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': typeof reply.body === 'string' ? 'text/plain' : 'application/json' }).end(text);
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams) });
    if (req.headers.authorization !== `Bearer ${token}`) {
      send(res, { status: 401, body: statusObject(401, 'Unauthorized', 'Unauthorized') });
      return;
    }
    readBody(req)
      .then((body) =>
        send(
          res,
          route(state, stores, {
            method: req.method ?? 'GET',
            path: url.pathname,
            query: url.searchParams,
            contentType: (req.headers['content-type'] ?? '').split(';')[0].trim(),
            body,
          }),
        ),
      )
      .catch((err: unknown) => {
        drift.push(`${req.method} ${url.pathname}: ${(err as Error).message}`);
        send(res, { status: 500, body: statusObject(500, 'BadRequest', `stand-in could not serve a valid object: ${(err as Error).message}`) });
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = await mkdtemp(join(tmpdir(), 'kube-stand-in-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeFile(kubeconfigPath, kubeconfigYaml(url, token, state.workload.namespace), { mode: 0o600 });
  return {
    url,
    kubeconfigPath,
    token,
    state: () => state,
    setScenario(next, workload) {
      state = checked(typeof next === 'string' ? buildScenario(next, workload ?? options.workload) : next);
    },
    requests,
    ...stores,
    drift,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
      if (drift.length > 0) throw new Error(`kube stand-in served invalid objects:\n${drift.join('\n')}`);
    },
  };
}
