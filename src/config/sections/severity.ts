import { z } from 'zod';
import { duration } from '../duration.js';

/** The runbook's severity table as numbers; every band is configurable. */
export const severitySchema = z
  .object({
    errorRate: z
      .object({ P1: z.number().min(0).max(1).default(0.5), P2: z.number().min(0).max(1).default(0.1), P3: z.number().min(0).max(1).default(0.01) })
      .strict()
      .default({}),
    p95: z.object({ P1: duration.default('5s'), P2: duration.default('1s'), P3: duration.default('500ms') }).strict().default({}),
    gate: z.enum(['P0', 'P1', 'P2', 'P3']).default('P3'),
  })
  .strict();

export type SeverityConfig = z.infer<typeof severitySchema>;
