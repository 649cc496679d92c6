import { z } from 'zod';
import { ageDuration } from '../../model/settings/duration.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The status history (uptime, response times, the history bar): where it lives and how long each part is kept. */
export const historySchema = z
  .object({
    enabled: z.boolean().default(true),
    /** empty: beside the incident state, in incidents.stateDir */
    dir: z.string().default(''),
    retention: z
      .object({
        /** every single result */
        raw: ageDuration.refine((ms) => ms >= HOUR_MS, 'must be at least 1h').default('24h'),
        /** the per-minute aggregates the uptime figures and charts are computed from */
        aggregates: ageDuration.refine((ms) => ms >= DAY_MS, 'must be at least 1d').default('90d'),
      })
      .strict()
      .default({}),
  })
  .strict();

export type HistoryConfig = z.infer<typeof historySchema>;
