/** The load kind's config section, `load`. */
import { z } from 'zod';
import type { DeepReadonly } from '../../src/model/settings/readonly.js';
import type { EndpointConfig } from '../../src/model/settings/endpoint.js';
import { settingsSection } from '../types.js';
import { originEntry } from '../../src/model/settings/origin.js';
import { duration } from '../../src/model/settings/duration.js';

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
    /** unset: `papers` when there is one, else the first endpoint that is not a health check (see src/config/schema.ts) */
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

export type LoadSettings = DeepReadonly<LoadConfig>;

/** What planning a load run reads from the configuration: the target, its endpoints and this section. */
export type LoadPlanInput = DeepReadonly<{ target: string; endpoints: EndpointConfig[]; load: LoadConfig }>;

export const loadSettings = settingsSection('load', loadSchema, {});
