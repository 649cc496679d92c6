import { z } from 'zod';
import { ageDuration, duration, thresholdDuration } from '../../model/settings/duration.js';
import { optionalHttpUrl } from '../../model/settings/url.js';

const severityLevel = z.enum(['P0', 'P1', 'P2', 'P3']);

export const incidentsSchema = z
  .object({
    stateDir: z.string().default('./data'),
    /**
     * Where incident state, the notification outbox and API maintenance windows persist: files in stateDir, or
     * the ConfigMap `configMap` in the Kubernetes namespace (replicas then need no shared volume). Post-mortem
     * files stay in stateDir either way.
     */
    store: z.enum(['file', 'kubernetes']).default('file'),
    configMap: z
      .string()
      .max(253)
      .regex(
        /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
        'expected a Kubernetes object name (lower case letters, digits, - and .)',
      )
      .default('radar-probe-state'),
    openAfter: z.number().int().min(1).max(1_000).default(2),
    verifyWindow: thresholdDuration.default('30m'),
    /** the INCIDENT template's "Updates" link; empty → the daemon's /api/incidents/:id path */
    updatesUrl: optionalHttpUrl.default(''),
    escalation: z
      .object({
        levels: z.array(z.string().min(1)).min(1).default(['On-call backend engineer', 'Senior backend engineer', 'Engineering manager', 'CTO']),
        after: z.record(severityLevel, duration).default({ P0: '1h', P1: '4h' }),
        /** level name → sink names that receive that level's escalation; a level without a route goes to every sink */
        route: z.record(z.string(), z.array(z.string())).default({}),
      })
      .strict()
      .default({}),
    firstNotifyWithin: z.record(severityLevel, duration).default({ P0: '5m', P1: '15m', P2: '30m', P3: '4h' }),
    maintenance: z
      .array(
        z
          .object({ start: z.string().datetime({ offset: true }), end: z.string().datetime({ offset: true }), reason: z.string().default('') })
          .strict(),
      )
      .default([]),
    /** resolved incidents older than this leave the state file (their post-mortems stay on disk); the status page lists 90 days */
    keepResolved: ageDuration.default('90d'),
    /** and at most this many resolved incidents stay, the oldest leaving first: the state file is rewritten on every change */
    maxResolved: z.number().int().min(1).max(10_000).default(200),
    /**
     * The control API (POST/DELETE /api/maintenance: it silences paging) is off until a token is set here or in
     * apiTokens; callers send `Authorization: Bearer <token>`. This one is named "default" in the change log.
     */
    apiToken: z.string().default(''),
    /** named tokens, so the log says who changed what: `[{ name: alice, token: ${ALICE_TOKEN} }]` */
    apiTokens: z
      .array(
        z
          .object({
            name: z.string().regex(/^[\w.@-]{1,64}$/, 'expected a short name (letters, digits, . _ @ -)'),
            token: z.string().min(16, 'expected at least 16 characters'),
          })
          .strict(),
      )
      .default([]),
    /** caps on windows set through the API: a window silences paging, so neither may grow without bound */
    maintenanceLimits: z
      .object({ windows: z.number().int().min(1).max(1_000).default(50), maxDuration: duration.default('7d') })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((incidents, ctx) => {
    const names = new Set<string>();
    for (const [index, { name }] of controlTokens(incidents).entries()) {
      if (names.has(name))
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['apiTokens', Math.max(0, index - (incidents.apiToken ? 1 : 0)), 'name'],
          message: `token name "${name}" is used twice`,
        });
      names.add(name);
    }
  });

export interface ControlToken {
  name: string;
  token: string;
}

/** Every token that may use the control API: `apiToken` as "default", then `apiTokens`. Empty: the API is off. */
export function controlTokens(incidents: { apiToken: string; apiTokens: readonly ControlToken[] }): ControlToken[] {
  return [...(incidents.apiToken ? [{ name: 'default', token: incidents.apiToken }] : []), ...incidents.apiTokens];
}

export type IncidentsConfig = z.infer<typeof incidentsSchema>;
