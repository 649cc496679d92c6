/** The PostgreSQL kind's params: which of the runbook's database checks to run. */
import { z } from 'zod';

export const POSTGRES_CHECKS = ['connect', 'long-queries', 'statements', 'pool'] as const;
export type PostgresCheck = (typeof POSTGRES_CHECKS)[number];

const isCheck = (value: unknown): value is PostgresCheck => (POSTGRES_CHECKS as readonly unknown[]).includes(value);

export const postgresParams = z.object({
  check: z.custom<PostgresCheck>(isCheck, (value: unknown) => ({
    message: `unknown database check ${JSON.stringify(value)} (expected one of ${POSTGRES_CHECKS.join(', ')})`,
  })),
});

export type PostgresProbeParams = z.infer<typeof postgresParams>;
