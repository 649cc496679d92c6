/** Cluster states for the runbook's Scenario 1 causes, as the API server would report them. */
import type { IEndpoints } from 'kubernetes-models/v1/Endpoints';
import type { IEvent } from 'kubernetes-models/v1/Event';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IEndpointSlice } from 'kubernetes-models/discovery.k8s.io/v1/EndpointSlice';
import { endpointSlice, endpoints, pod, podMetrics, podName, time, warning, type PodMetrics, type Workload } from './objects.js';

/** Resources the stand-in can be told to refuse with 403 (as a Role without that rule would). */
export type GuardedResource = 'pods' | 'pods/log' | 'events' | 'endpoints' | 'endpointslices' | 'metrics' | 'leases' | 'configmaps';

export interface ClusterState {
  workload: Workload;
  service: string;
  pods: IPod[];
  /** null: the Service has no Endpoints object (404) */
  endpoints: IEndpoints | null;
  endpointSlices: IEndpointSlice[];
  events: IEvent[];
  /** `${pod}/${container}` → current log; `${pod}/${container}#previous` → the crashed instance's */
  logs: Record<string, string>;
  /** null: metrics.k8s.io is not served */
  podMetrics: PodMetrics[] | null;
  forbidden: GuardedResource[];
}

export const SCENARIOS = [
  'healthy',
  'crashloop-oom',
  'imagepull-notfound',
  'crashloop-pg-hba',
  'no-ready-endpoints',
  'forbidden',
  'cpu-saturated',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export const DEFAULT_WORKLOAD: Omit<Workload, 'now'> = {
  namespace: 'default',
  deployment: 'deeptech-api',
  selector: 'app=deeptech-api',
  container: 'api',
  image: 'ghcr.io/yourorg/deeptech-radar-api:latest',
};

const APP_LOG =
  [
    'INFO:     Started server process [1]',
    'INFO:     Application startup complete.',
    'INFO:     10.244.0.1:52814 - "GET /health HTTP/1.1" 200 OK',
  ].join('\n') + '\n';

const PG_HBA_TRACEBACK =
  [
    'INFO:     Started server process [1]',
    'INFO:     Waiting for application startup.',
    'Traceback (most recent call last):',
    '  File "/app/api/db.py", line 41, in connect',
    'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "db.internal" (10.0.3.5), port 5432 failed: FATAL:  no pg_hba.conf entry for host "10.244.1.10", user "radar", database "radar", no encryption',
    'ERROR:    Application startup failed. Exiting.',
  ].join('\n') + '\n';

function healthyPods(w: Workload, n = 2): IPod[] {
  return Array.from({ length: n }, (_, i) =>
    pod(w, i, {
      phase: 'Running',
      ready: true,
      container: { ready: true, restartCount: 0, started: true, state: { running: { startedAt: time(w.now - 7_200_000) } } },
    }),
  );
}

function crashLooping(w: Workload, i: number, last: { reason: string; exitCode: number }, restarts: number): IPod {
  return pod(w, i, {
    phase: 'Running',
    ready: false,
    container: {
      ready: false,
      started: false,
      restartCount: restarts,
      state: {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off 5m0s restarting failed container=${w.container} pod=${podName(w, i)}_${w.namespace}(0f1e)`,
        },
      },
      lastState: {
        terminated: { ...last, startedAt: time(w.now - 95_000), finishedAt: time(w.now - 60_000), containerID: `containerd://${'cd'.repeat(32)}` },
      },
    },
  });
}

function base(w: Workload, pods: IPod[], service = w.deployment): ClusterState {
  return {
    workload: w,
    service,
    pods,
    endpoints: endpoints(w, service, pods),
    endpointSlices: [endpointSlice(w, service, pods)],
    events: [],
    logs: {},
    podMetrics: [],
    forbidden: [],
  };
}

export function buildScenario(name: ScenarioName, workload: Partial<Workload> = {}): ClusterState {
  const w: Workload = { ...DEFAULT_WORKLOAD, now: Date.now(), ...workload };
  const backOff = (i: number): IEvent =>
    warning(
      w,
      { kind: 'Pod', name: podName(w, i) },
      'BackOff',
      `Back-off restarting failed container ${w.container} in pod ${podName(w, i)}_${w.namespace}(0f1e)`,
      14,
    );
  switch (name) {
    case 'healthy':
    case 'cpu-saturated': {
      const state = base(w, healthyPods(w));
      const cpu = name === 'cpu-saturated' ? '487000000n' : '120000000n';
      state.podMetrics = state.pods.map((p) => podMetrics(w, p, cpu, '201432Ki'));
      for (const p of state.pods) state.logs[`${p.metadata!.name}/${w.container}`] = APP_LOG;
      return state;
    }
    case 'crashloop-oom': {
      const state = base(
        w,
        [0, 1].map((i) => crashLooping(w, i, { reason: 'OOMKilled', exitCode: 137 }, 7)),
      );
      state.events = [backOff(0), backOff(1)];
      for (const p of state.pods) {
        state.logs[`${p.metadata!.name}/${w.container}#previous`] =
          'INFO:     Started server process [1]\nINFO:     Loading embeddings model into memory\n';
      }
      return state;
    }
    case 'crashloop-pg-hba': {
      const state = base(
        w,
        [0, 1].map((i) => crashLooping(w, i, { reason: 'Error', exitCode: 3 }, 5)),
      );
      state.events = [backOff(0), backOff(1)];
      for (const p of state.pods) {
        state.logs[`${p.metadata!.name}/${w.container}#previous`] = PG_HBA_TRACEBACK;
        state.logs[`${p.metadata!.name}/${w.container}`] = '';
      }
      return state;
    }
    case 'imagepull-notfound': {
      const image = `${w.image.split(':')[0]}:v9.9.9`;
      const pods = [0, 1].map((i) =>
        pod(w, i, {
          phase: 'Pending',
          ready: false,
          startedAgoMs: 300_000,
          container: {
            image,
            ready: false,
            started: false,
            restartCount: 0,
            state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } },
          },
        }),
      );
      const state = base(w, pods);
      state.events = pods.flatMap((p) => {
        const object = { kind: 'Pod', name: p.metadata!.name! };
        return [
          warning(
            w,
            object,
            'Failed',
            `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`,
            4,
          ),
          warning(w, object, 'Failed', 'Error: ErrImagePull', 4),
          warning(w, object, 'Failed', 'Error: ImagePullBackOff', 9),
        ];
      });
      return state;
    }
    case 'no-ready-endpoints': {
      const pods = [0, 1].map((i) =>
        pod(w, i, {
          phase: 'Running',
          ready: false,
          container: { ready: false, started: true, restartCount: 0, state: { running: { startedAt: time(w.now - 7_200_000) } } },
        }),
      );
      const state = base(w, pods);
      state.events = pods.map((p) =>
        warning(w, { kind: 'Pod', name: p.metadata!.name! }, 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', 40),
      );
      return state;
    }
    case 'forbidden': {
      const state = base(w, healthyPods(w));
      state.forbidden = ['pods', 'pods/log', 'events', 'endpoints', 'endpointslices', 'metrics', 'leases'];
      return state;
    }
  }
}
