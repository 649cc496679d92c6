/** GET pods/{name}/log with the kubelet's answers: previous instance, tailLines, and its 400s for missing logs. */
import type { ClusterState } from './scenarios.js';
import { statusObject } from './validate.js';

export interface Reply {
  status: number;
  /** a string is sent as text/plain (logs), an object as JSON */
  body: Record<string, unknown> | string;
}

export function readLog(state: ClusterState, namespace: string, podName: string, query: URLSearchParams): Reply {
  const pod = state.pods.find((p) => p.metadata?.name === podName && p.metadata?.namespace === namespace);
  if (!pod) return { status: 404, body: statusObject(404, 'NotFound', `pods "${podName}" not found`, { name: podName, kind: 'pods' }) };
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  const container = query.get('container') ?? (names.length === 1 ? names[0] : '');
  if (!names.includes(container)) {
    const message = container
      ? `container ${container} is not valid for pod ${podName}`
      : `a container name must be specified for pod ${podName}, choose one of: [${names.join(' ')}]`;
    return { status: 400, body: statusObject(400, 'BadRequest', message) };
  }
  const previous = query.get('previous') === 'true';
  const text = state.logs[`${podName}/${container}${previous ? '#previous' : ''}`];
  if (text === undefined) {
    const waiting = pod.status?.containerStatuses?.find((c) => c.name === container)?.state?.waiting?.reason;
    const message = previous
      ? `previous terminated container "${container}" in pod "${podName}" not found`
      : `container "${container}" in pod "${podName}" is waiting to start: ${waiting === 'ImagePullBackOff' ? 'trying and failing to pull image' : 'ContainerCreating'}`;
    return { status: 400, body: statusObject(400, 'BadRequest', message) };
  }
  const tail = Number(query.get('tailLines') ?? NaN);
  const lines = text.replace(/\n$/, '').split('\n');
  const kept = Number.isInteger(tail) && tail >= 0 ? lines.slice(Math.max(0, lines.length - tail)) : lines;
  return { status: 200, body: text === '' ? '' : `${kept.join('\n')}\n` };
}
