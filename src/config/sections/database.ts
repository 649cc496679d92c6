import { z } from 'zod';
import { duration } from '../duration.js';

export const databaseSchema = z
  .object({
    url: z.string().default(''),
    timeout: duration.default('5s'),
    statementTimeout: duration.default('5s'),
    longQueryThreshold: duration.default('5s'),
    statementsTop: z.number().int().min(1).max(100).default(10),
    slowStatementThreshold: duration.default('500ms'),
    poolSaturation: z.number().min(0).max(1).default(0.9),
    queryTextMax: z.number().int().min(16).max(10_000).default(200),
  })
  .strict();

export type DatabaseConfig = z.infer<typeof databaseSchema>;
