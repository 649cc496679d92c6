import { isIP } from 'node:net';
import { z } from 'zod';
import { originEntry } from '../../model/settings/origin.js';
import { nodeCron } from '../../support/cron.js';
import { CONTINUOUS, isGroupName, runsLoad, scenarioNames } from '../../runbook/scenarios.js';
import { thresholdDuration } from '../../model/settings/duration.js';

export { CONTINUOUS } from '../../runbook/scenarios.js';
export const MIN_LOAD_INTERVAL_MS = 5 * 60_000;
export const LOOPBACK = '127.0.0.1';

/** an IP address or a host name, nothing with a scheme, port or path (`listen: 0.0.0.0`, `listen: "::"`) */
const listenAddress = z.string().refine((text) => isIP(text) !== 0 || /^[a-z0-9]([a-z0-9.-]{0,252})$/i.test(text), {
  message: 'expected an address to bind, like 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or ::',
});

// typeof: a value the duration parser already rejected must not collect a second, confusing problem
const positive = thresholdDuration.refine((ms) => typeof ms !== 'number' || ms >= 100, 'must be at least 100ms');

const groupSchema = z
  .object({
    scenario: z.string().refine(isGroupName, {
      message: `expected "${CONTINUOUS}" or a scenario name (${scenarioNames().join(', ')})`,
    }),
    /** defaults to daemon.interval */
    interval: positive.optional(),
    /** node-cron syntax (5 or 6 fields); exclusive with interval */
    cron: z
      .string()
      .refine((expr) => nodeCron().validate(expr), { message: 'expected a cron expression like "*/5 * * * *"' })
      .optional(),
    /** run the group's load as this many shards in worker threads, merged like a sharded run's (probe merge) */
    shards: z.number().int().min(1).max(16).optional(),
  })
  .strict()
  .superRefine((group, ctx) => {
    if (group.interval !== undefined && group.cron !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['cron'], message: 'set either interval or cron, not both' });
    }
    const loads = runsLoad(group.scenario);
    if (group.shards !== undefined && !loads) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['shards'], message: `scenario "${group.scenario}" runs no load probe to shard` });
    }
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
    /**
     * The address the HTTP surface binds. Loopback by default: a laptop's daemon is not reachable from the network.
     * The container image sets 0.0.0.0 (its config reads PROBE_LISTEN), so Prometheus and the kubelet can reach it.
     */
    listen: listenAddress.optional(),
    /** the former name of `listen`, still read */
    host: listenAddress.optional(),
    /** how often probes of a group without its own schedule run, and how often results are evaluated */
    interval: positive.default('15s'),
    /** each run fires up to this fraction of its interval late, so probes do not fire in lockstep */
    jitter: z.number().min(0).max(1).default(0.1),
    /** rolling window of endpoint samples that error rate and p95 (hence severity) are computed over */
    window: positive.default('5m'),
    /** a sharded load run posting to /api/load-runs is merged this long after its first shard arrived, complete or not */
    loadRunDeadline: positive.default('10m'),
    groups: z
      .array(groupSchema)
      .min(1, `expected at least one group (the default is [{ scenario: ${CONTINUOUS} }])`)
      .default([{ scenario: CONTINUOUS }]),
    /**
     * Where the blackbox-style /probe endpoint may go besides the configured target's origin: `api.example.com`
     * (ports 80/443), `api.example.com:8443`, `https://api.example.com`, `*.svc.cluster.local`, `host:*` (any port)
     * or `*` for anything. Anything else is refused (no open proxy, no port scanner).
     */
    probeTargets: z.array(originEntry).default([]),
    /** `module=http_post_2xx` sends POSTs: only to these origins, named exactly (no wildcards) */
    probePostTargets: z.array(originEntry.refine((text) => !text.includes('*'), 'POST targets are named exactly, without *')).default([]),
    /** a PEM bundle /probe trusts besides the system roots, as a blackbox module's tls_config.ca_file */
    probeCaFile: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((daemon, ctx) => {
    if (daemon.listen !== undefined && daemon.host !== undefined && daemon.listen !== daemon.host) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['host'], message: 'host is the former name of listen: set only listen' });
    }
  })
  .transform(({ host, ...daemon }) => ({ ...daemon, listen: daemon.listen ?? host ?? LOOPBACK }));

export type DaemonConfig = z.infer<typeof daemonSchema>;
export type DaemonGroupConfig = z.infer<typeof groupSchema>;
