/** What one database check is: a function over an open read-only session. The kind adds connection metrics around it. */
import type { DatabaseConfig } from './settings.js';
import type { FindingBuilder } from '../../src/runbook/finding.js';
import type { ProbeContext, ProbeOutcome } from '../types.js';
import type { PgSession } from './session.js';

export interface CheckEnv {
  readonly ctx: ProbeContext;
  readonly db: DatabaseConfig;
  readonly raise: FindingBuilder;
}

export type DbCheck = (session: PgSession, env: CheckEnv) => Promise<ProbeOutcome>;
