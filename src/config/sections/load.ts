import { z } from 'zod';
import { originEntry } from './origin.js';
import { duration } from '../duration.js';

/** Guardrails: this tool can point load at production, so every knob has a ceiling (overridable here). */
export const loadCapsSchema = z
  .object({
    connections: z.number().int().positive().max(10_000).default(200),
    rate: z.number().positive().max(1_000_000).default(2_000),
    duration: duration.default('5m'),
    amount: z.number().int().positive().max(100_000_000).default(100_000),
  })
  .strict();

export const loadSchema = z
  .object({
    /** unset: `papers` when there is one, else the first endpoint that is not a health check (see schema.ts) */
    endpoint: z.string().min(1).optional().describe('name of the endpoint to load'),
    connections: z.number().int().positive().max(10_000).default(10),
    amount: z.number().int().positive().max(100_000_000).optional(),
    duration: duration.optional(),
    rate: z.number().positive().max(1_000_000).optional(),
    timeout: duration.default('10s'),
    thresholds: z.array(z.string()).default([]),
    abortOnErrorRate: z.number().min(0).max(1).default(0.5),
    abortMinSamples: z.number().int().positive().max(1_000_000).default(50),
    allowedHosts: z.array(originEntry).default([]),
    caps: loadCapsSchema.default({}),
  })
  .strict();

export type LoadConfig = z.infer<typeof loadSchema>;
