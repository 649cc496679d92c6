import { z } from 'zod';
import { duration } from '../duration.js';

export const daemonSchema = z
  .object({
    port: z.number().int().min(0).max(65_535).default(9464),
    host: z.string().default('0.0.0.0'),
    interval: duration.default('15s'),
    jitter: z.number().min(0).max(1).default(0.1),
    window: duration.default('5m'),
    groups: z
      .array(
        z
          .object({
            scenario: z.string(),
            interval: duration.optional(),
            cron: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type DaemonConfig = z.infer<typeof daemonSchema>;
