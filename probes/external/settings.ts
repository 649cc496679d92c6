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
    openai: z
      .object({ ...dependencyBase, apiKey: z.string().default('') })
      .strict()
      .default({}),
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
      .object({
        failuresToOpen: z.number().int().positive().max(1_000).default(3),
        openFor: duration.default('60s'),
        maxOpenFor: duration.default('15m'),
      })
      .strict()
      .default({}),
  })
  .strict();

export type ExternalConfig = z.infer<typeof externalSchema>;

export type ExternalSettings = DeepReadonly<ExternalConfig>;

/**
 * The one rule for external dependencies: OpenAI and GitHub are probed only when the user pointed radar-probe at
 * them — an `external.openai:` / `external.github:` section in the config (even an empty one), or their URL or
 * credential in the environment (OPENAI_BASE_URL, OPENAI_API_KEY; GITHUB_API_URL, GITHUB_TOKEN). `enabled: false`
 * turns one off either way. A config holding only `target:` probes no third party: on a machine without egress
 * that would be our failure, not the service's.
 */
function fromEnvironment(written: unknown, env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const section = typeof written === 'object' && written !== null && !Array.isArray(written) ? written : {};
  const given = (...names: string[]): boolean => names.some((n) => (env[n] ?? '') !== '');
  return {
    openai: {
      url: '${OPENAI_BASE_URL:-https://api.openai.com/v1}',
      apiKey: '${OPENAI_API_KEY:-}',
      enabled: 'openai' in section || given('OPENAI_BASE_URL', 'OPENAI_API_KEY'),
    },
    github: {
      url: '${GITHUB_API_URL:-https://api.github.com}',
      token: '${GITHUB_TOKEN:-}',
      enabled: 'github' in section || given('GITHUB_API_URL', 'GITHUB_TOKEN'),
    },
  };
}

export const externalSettings = settingsSection('external', externalSchema, {}, fromEnvironment);
