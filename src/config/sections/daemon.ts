import { validate as isCronExpression } from 'node-cron';
import { z } from 'zod';
import { isScenarioName } from '../../scenarios/table.js';
import { thresholdDuration } from '../duration.js';

/** The daemon's own probe set: every endpoint, Kubernetes, database, external dependencies, Prometheus — no load. */
export const CONTINUOUS = 'continuous';
/** Scenarios whose plan includes the load probe: never on a short timer against production. */
export const LOAD_SCENARIOS: readonly string[] = ['latency', 'verify', 'smoke', 'full'];
export const MIN_LOAD_INTERVAL_MS = 5 * 60_000;

// typeof: a value the duration parser already rejected must not collect a second, confusing problem
const positive = thresholdDuration.refine((ms) => typeof ms !== 'number' || ms >= 100, 'must be at least 100ms');

const groupSchema = z
  .object({
    scenario: z.string().refine((name) => name === CONTINUOUS || isScenarioName(name), {
      message: `expected "${CONTINUOUS}" or a scenario name (assess, outage, errors, latency, endpoint, verify, smoke, full)`,
    }),
    /** defaults to daemon.interval */
    interval: positive.optional(),
    /** node-cron syntax (5 or 6 fields); exclusive with interval */
    cron: z.string().refine((expr) => isCronExpression(expr), { message: 'expected a cron expression like "*/5 * * * *"' }).optional(),
  })
  .strict()
  .superRefine((group, ctx) => {
    if (group.interval !== undefined && group.cron !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['cron'], message: 'set either interval or cron, not both' });
    }
    const loads = LOAD_SCENARIOS.includes(group.scenario);
    if (loads && group.cron === undefined && (group.interval ?? 0) < MIN_LOAD_INTERVAL_MS) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [group.interval === undefined ? 'scenario' : 'interval'],
        message: `scenario "${group.scenario}" runs the load probe: give its group a cron or an interval of at least 5m`,
      });
    }
  });

export const daemonSchema = z
  .object({
    port: z.number().int().min(0).max(65_535).default(9464),
    host: z.string().default('0.0.0.0'),
    /** how often probes of a group without its own schedule run, and how often results are evaluated */
    interval: positive.default('15s'),
    /** each run fires up to this fraction of its interval late, so probes do not fire in lockstep */
    jitter: z.number().min(0).max(1).default(0.1),
    /** rolling window of endpoint samples that error rate and p95 (hence severity) are computed over */
    window: positive.default('5m'),
    groups: z.array(groupSchema).min(1, `expected at least one group (the default is [{ scenario: ${CONTINUOUS} }])`).default([{ scenario: CONTINUOUS }]),
    /**
     * Hosts the blackbox-style /probe endpoint may reach besides the configured target's host: `api.example.com`,
     * `api.example.com:8443`, `*.svc.cluster.local`, or `*` for any. Anything else is refused (no open proxy).
     */
    probeTargets: z.array(z.string().min(1)).default([]),
  })
  .strict();

export type DaemonConfig = z.infer<typeof daemonSchema>;
export type DaemonGroupConfig = z.infer<typeof groupSchema>;
