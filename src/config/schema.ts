import { z } from 'zod';
import { PROBE_KINDS } from '../../probes/registry.js';
import { duration } from '../model/settings/duration.js';
import type { DeepReadonly } from '../model/settings/readonly.js';
import { httpUrl } from '../model/settings/url.js';
import { daemonSchema } from './sections/daemon.js';
import { historySchema } from './sections/history.js';
import { incidentsSchema } from './sections/incidents.js';
import { metricsSchema } from './sections/metrics.js';
import { notifySchema } from './sections/notify.js';
import { severitySchema } from './sections/severity.js';

/**
 * The config schema: the run-wide keys, then every registered probe kind's section (`kubernetes`, `endpoints`,
 * `load`, `database`, `external`, `prometheus` in this build: see probes/registry.ts), then the daemon's, incident,
 * history and paging sections. Rules that span sections live here, the one place that sees them all.
 */
function schemaFor(kinds: typeof PROBE_KINDS) {
  return (
    z
      .object({
        target: httpUrl,
        service: z.string().min(1).default('DeepTech Radar API'),
        timeout: duration.default('10s'),
        ...kinds.configShape(),
        daemon: daemonSchema.default({}),
        metrics: metricsSchema.default({}),
        incidents: incidentsSchema.default({}),
        history: historySchema.default({}),
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
        const cluster = config.kubernetes.enabled;
        if (config.incidents.store === 'kubernetes' && (cluster === false || cluster === 'false'))
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['incidents', 'store'],
            message: 'incidents.store: kubernetes keeps the state in a ConfigMap, but kubernetes.enabled is false',
          });
      })
      // A config that never names a load endpoint is not wrong for lacking `papers`: it loads its main endpoint instead.
      .transform((config) => ({ ...config, load: { ...config.load, endpoint: config.load.endpoint ?? defaultLoadEndpoint(config.endpoints) } }))
  );
}

type ConfigSchema = ReturnType<typeof schemaFor>;
let built: { sections: number; schema: ConfigSchema } | undefined;

/** The schema for the kinds registered now (built on first use, again after a kind with settings registers). */
export function configSchema(): ConfigSchema {
  const sections = PROBE_KINDS.sections().length;
  if (built?.sections !== sections) built = { sections, schema: schemaFor(PROBE_KINDS) };
  return built.schema;
}

/** The runbook's `papers` when configured, else the first endpoint that is not a health check, else the first. */
function defaultLoadEndpoint(endpoints: readonly { name: string; path: string }[]): string {
  const named =
    endpoints.find((e) => e.name === 'papers') ?? endpoints.find((e) => !/health/i.test(e.name) && !e.path.startsWith('/health')) ?? endpoints[0];
  return named?.name ?? 'papers';
}

export type ConfigInput = z.input<ConfigSchema>;
type Parsed = z.output<ConfigSchema>;

export type DeepReadonlyConfig<T> = DeepReadonly<T>;

/** Validated once, then frozen: nothing downstream may mutate configuration. */
export type Config = DeepReadonly<Parsed>;

/**
 * Built-in defaults that need the environment: the target's, and each registered kind's (its section says which).
 * Everything else defaults inside the schema, so a config file names only what differs (a file holding just
 * `target:` is valid).
 */
export function environmentDefaults(document: unknown, env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const written = (key: string): unknown =>
    typeof document === 'object' && document !== null && !Array.isArray(document) ? (document as Record<string, unknown>)[key] : undefined;
  const defaults: Record<string, unknown> = { target: '${API_URL:-http://localhost:8000}' };
  for (const section of PROBE_KINDS.sections()) if (section.environment) defaults[section.key] = section.environment(written(section.key), env);
  return defaults;
}
