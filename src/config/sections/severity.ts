import { z } from 'zod';
import { thresholdDuration } from '../../model/settings/duration.js';

interface Bands {
  P1: number;
  P2: number;
  P3: number;
}

/** P3 is the mildest band: each worse severity needs a strictly higher threshold, or the table contradicts itself. */
function ordered(bands: Bands, ctx: z.RefinementCtx): void {
  if (!(bands.P3 < bands.P2))
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['P2'], message: `must be greater than P3 (${bands.P3}), got ${bands.P2}` });
  if (!(bands.P2 < bands.P1))
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['P1'], message: `must be greater than P2 (${bands.P2}), got ${bands.P1}` });
}

/** The runbook's severity table as numbers; every band is configurable. */
export const severitySchema = z
  .object({
    errorRate: z
      .object({ P1: z.number().min(0).max(1).default(0.5), P2: z.number().min(0).max(1).default(0.1), P3: z.number().min(0).max(1).default(0.01) })
      .strict()
      .superRefine(ordered)
      .default({}),
    p95: z
      .object({ P1: thresholdDuration.default('5s'), P2: thresholdDuration.default('1s'), P3: thresholdDuration.default('500ms') })
      .strict()
      .superRefine(ordered)
      .default({}),
    gate: z.enum(['P0', 'P1', 'P2', 'P3']).default('P3'),
  })
  .strict();

export type SeverityConfig = z.infer<typeof severitySchema>;
