import { z } from 'zod';
import { duration } from './duration.js';
import { httpUrl } from './url.js';
import { endpointsDefaults, endpointsSchema } from './sections/http.js';
import { loadSchema } from './sections/load.js';
import { databaseSchema } from './sections/database.js';
import { externalSchema } from './sections/external.js';
import { prometheusSchema } from './sections/prometheus.js';
import { kubernetesSchema } from './sections/kubernetes.js';
import { daemonSchema } from './sections/daemon.js';
import { incidentsSchema } from './sections/incidents.js';
import { notifySchema } from './sections/notify.js';
import { severitySchema } from './sections/severity.js';

export const configSchema = z
  .object({
    target: httpUrl,
    service: z.string().min(1).default('DeepTech Radar API'),
    timeout: duration.default('10s'),
    kubernetes: kubernetesSchema.default({}),
    endpoints: endpointsSchema.default(endpointsDefaults),
    load: loadSchema.default({}),
    database: databaseSchema.default({}),
    external: externalSchema.default({}),
    prometheus: prometheusSchema.default({}),
    daemon: daemonSchema.default({}),
    incidents: incidentsSchema.default({}),
    notify: notifySchema,
    severity: severitySchema.default({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    const name = config.load.endpoint;
    if (name !== undefined && !config.endpoints.some((e) => e.name === name)) {
      const known = config.endpoints.map((e) => e.name).join(', ');
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['load', 'endpoint'], message: `no endpoint named "${name}" (known: ${known})` });
    }
  })
  // A config that never names a load endpoint is not wrong for lacking `papers`: it loads its main endpoint instead.
  .transform((config) => ({ ...config, load: { ...config.load, endpoint: config.load.endpoint ?? defaultLoadEndpoint(config.endpoints) } }));

/** The runbook's `papers` when configured, else the first endpoint that is not a health check, else the first. */
function defaultLoadEndpoint(endpoints: readonly { name: string; path: string }[]): string {
  const named = endpoints.find((e) => e.name === 'papers') ?? endpoints.find((e) => !/health/i.test(e.name) && !e.path.startsWith('/health')) ?? endpoints[0];
  return named?.name ?? 'papers';
}

export type ConfigInput = z.input<typeof configSchema>;
type Parsed = z.output<typeof configSchema>;

export type DeepReadonlyConfig<T> = DeepReadonly<T>;

type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** Validated once, then frozen: nothing downstream may mutate configuration. */
export type Config = DeepReadonly<Parsed>;

/**
 * Built-in defaults that need the environment. Everything else defaults inside the schema, so a config file
 * names only what differs (a file holding just `target:` is valid).
 */
export const ENV_DEFAULTS = {
  target: '${API_URL:-http://localhost:8000}',
  database: { url: '${DATABASE_URL:-}' },
  external: {
    openai: { url: '${OPENAI_BASE_URL:-https://api.openai.com/v1}', apiKey: '${OPENAI_API_KEY:-}' },
    github: { url: '${GITHUB_API_URL:-https://api.github.com}', token: '${GITHUB_TOKEN:-}' },
  },
  prometheus: { url: '${PROMETHEUS_URL:-}' },
} as const;
