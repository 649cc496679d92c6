/** The PostgreSQL kind's config section, `database`. */
import { z } from 'zod';
import type { DeepReadonly } from '../../src/model/settings/readonly.js';
import { settingsSection } from '../types.js';
import { duration, thresholdDuration } from '../../src/model/settings/duration.js';
import { optionalPostgresUrl } from '../../src/model/settings/url.js';

export const databaseSchema = z
  .object({
    url: optionalPostgresUrl.default(''),
    timeout: duration.default('5s'),
    statementTimeout: duration.default('5s'),
    longQueryThreshold: thresholdDuration.default('5s'),
    statementsTop: z.number().int().min(1).max(100).default(10),
    slowStatementThreshold: thresholdDuration.default('500ms'),
    poolSaturation: z.number().min(0).max(1).default(0.9),
    queryTextMax: z.number().int().min(16).max(10_000).default(200),
  })
  .strict();

export type DatabaseConfig = z.infer<typeof databaseSchema>;

export type DatabaseSettings = DeepReadonly<DatabaseConfig>;

export const databaseSettings = settingsSection('database', databaseSchema, {}, () => ({ url: '${DATABASE_URL:-}' }));
