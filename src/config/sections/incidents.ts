import { z } from 'zod';
import { ageDuration, duration, thresholdDuration } from '../duration.js';
import { optionalHttpUrl } from '../url.js';

const severityLevel = z.enum(['P0', 'P1', 'P2', 'P3']);

export const incidentsSchema = z
  .object({
    stateDir: z.string().default('./data'),
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
      .array(z.object({ start: z.string().datetime({ offset: true }), end: z.string().datetime({ offset: true }), reason: z.string().default('') }).strict())
      .default([]),
    /** resolved incidents older than this leave the state file (their post-mortems stay on disk) */
    keepResolved: ageDuration.default('30d'),
    /** when set, POST /api/maintenance needs `Authorization: Bearer <token>` (it silences paging) */
    apiToken: z.string().default(''),
  })
  .strict();

export type IncidentsConfig = z.infer<typeof incidentsSchema>;
