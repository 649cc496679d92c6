/** The external-dependency kind's config section, `external`: OpenAI, GitHub, any other provider, the circuit. */
import { z } from 'zod';
import type { DeepReadonly } from '../../src/model/settings/readonly.js';
import { settingsSection } from '../types.js';
import { duration } from '../../src/model/settings/duration.js';
import { headerMap, httpUrl, optionalHttpUrl } from '../../src/model/settings/url.js';

const dependencyBase = {
  url: optionalHttpUrl.default(''),
  timeout: duration.default('5s'),
  enabled: z.boolean().default(true),
};

export const externalSchema = z
  .object({
    openai: z.object({ ...dependencyBase, apiKey: z.string().default('') }).strict().default({}),
    github: z
      .object({ ...dependencyBase, token: z.string().default(''), rateLimitThreshold: z.number().min(0).max(1).default(0.1) })
      .strict()
      .default({}),
    others: z
      .array(
        z
          .object({
            name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i),
            ...dependencyBase,
            url: httpUrl,
            headers: headerMap.default({}),
          })
          .strict(),
      )
      .default([]),
    circuit: z
      .object({ failuresToOpen: z.number().int().positive().max(1_000).default(3), openFor: duration.default('60s'), maxOpenFor: duration.default('15m') })
      .strict()
      .default({}),
  })
  .strict();

export type ExternalConfig = z.infer<typeof externalSchema>;

export type ExternalSettings = DeepReadonly<ExternalConfig>;

export const externalSettings = settingsSection('external', externalSchema, {});
