import { z } from 'zod';
import { originEntry } from './origin.js';
import { duration } from '../duration.js';

/** Guardrails: this tool can point load at production, so every knob has a ceiling (overridable here). */
export const loadCapsSchema = z
  .object({
    connections: z.number().int().positive().default(200),
    rate: z.number().positive().default(2_000),
    duration: duration.default('5m'),
    amount: z.number().int().positive().default(100_000),
  })
  .strict();

export const loadSchema = z
  .object({
    endpoint: z.string().default('papers').describe('name of the endpoint to load'),
    connections: z.number().int().positive().default(10),
    amount: z.number().int().positive().optional(),
    duration: duration.optional(),
    rate: z.number().positive().optional(),
    timeout: duration.default('10s'),
    thresholds: z.array(z.string()).default([]),
    abortOnErrorRate: z.number().min(0).max(1).default(0.5),
    abortMinSamples: z.number().int().positive().default(50),
    allowedHosts: z.array(originEntry).default([]),
    caps: loadCapsSchema.default({}),
  })
  .strict();

export type LoadConfig = z.infer<typeof loadSchema>;
