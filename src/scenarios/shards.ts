/**
 * A one-shot run as one shard of a sharded load run: the settings every shard of the run shares (the merge refuses
 * a mix), the run id, and the wait for the common start instant.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config/schema.js';
import { UsageError } from '../model/errors.js';
import { derivedRunId, parseStartAt, type MergeInfo, type ShardId, type ShardReport } from '../model/shard.js';
import type { LoadProbeParams } from '../../probes/load/types.js';
import type { ScenarioPlan } from './plan.js';
import { diagnose } from '../diagnosis/index.js';
import { diagnosisContext } from '../diagnosis/context.js';
import { diagnosisInput } from '../diagnosis/input.js';
import { worstSeverity } from '../model/severity.js';
import type { Finding, RunReport } from '../model/types.js';
import type { FindingBuilder } from '../runbook/finding.js';
import { findingBuilderFor } from '../runbook/fill.js';
import { gateVerdict } from './run-scenario.js';

/** a start instant further ahead than this is a typo (and would overflow a timer at 24 days) */
const MAX_WAIT_MS = 24 * 3_600_000;
/** a start already this far past is an error: the shards would not overlap */
const LATE_TOLERANCE_MS = 1_000;

export interface ShardRequest {
  shard: ShardId;
  run?: string | undefined;
  startAt?: string | undefined;
}

/** The whole run's settings, as every shard of it must have them: totals, never this shard's share. */
export function shardSettings(plan: ScenarioPlan, config: Config): Record<string, unknown> {
  const load = plan.specs.find((s) => s.kind === 'load');
  if (!load) throw new UsageError('RP_ERR_USAGE', `--shard: scenario "${plan.name}" runs no load probe`);
  const params = load.params as LoadProbeParams;
  const totals = params.shard?.totals ?? { connections: params.connections, amount: params.amount ?? null, rate: params.rate ?? null };
  return {
    scenario: plan.name,
    target: config.target,
    requests: params.requests.map((r) => `${(r.method ?? 'GET').toUpperCase()} ${r.path}`),
    shards: params.shard?.count ?? 1,
    ...totals,
    durationMs: params.durationMs ?? null,
    timeoutMs: params.timeoutMs,
    thresholds: [...plan.thresholds],
  };
}

export function shardReport(request: ShardRequest, plan: ScenarioPlan, config: Config): ShardReport {
  const settings = shardSettings(plan, config);
  const startAt = request.startAt ?? null;
  if (request.run === undefined && startAt === null) {
    throw new UsageError('RP_ERR_USAGE', '--shard needs --run ID or --start-at TIME: without either, shards of two runs could not be told apart');
  }
  const run = request.run ?? derivedRunId(settings, startAt!);
  return { run, runFrom: request.run !== undefined ? 'flag' : 'derived', index: request.shard.index, count: request.shard.count, startAt, settings };
}

/** Epoch ms of --start-at, checked against the clock now: past by more than a second, or a day ahead, is exit 2. */
export function startInstant(text: string, now = Date.now()): number {
  const at = parseStartAt(text);
  if (typeof at !== 'number') throw new UsageError('RP_ERR_USAGE', `--start-at: ${at.problem}`);
  if (at < now - LATE_TOLERANCE_MS) {
    throw new UsageError('RP_ERR_USAGE', `--start-at ${text} is ${((now - at) / 1000).toFixed(1)} s in the past: the shards would not overlap`);
  }
  if (at - now > MAX_WAIT_MS) throw new UsageError('RP_ERR_USAGE', `--start-at ${text} is more than 24 h ahead`);
  return at;
}

/** Waits until the instant (a cancelled wait rejects with the signal's reason, like any aborted run). */
export async function waitUntil(atMs: number, signal: AbortSignal): Promise<void> {
  const wait = atMs - Date.now();
  if (wait > 0) await sleep(wait, undefined, { signal });
}

/** A merged run whose own thresholds failed, as a finding the daemon's incidents and the reports carry. */
function thresholdFinding(report: RunReport & { merge: MergeInfo }, raise: FindingBuilder): Finding[] {
  const failed = report.thresholds.filter((t) => !t.ok);
  if (failed.length === 0) return [];
  const { run, shards, count, missing } = report.merge;
  return [
    raise('load_threshold_failed', {
      summary: `load run ${run}: ${failed.length} of ${report.thresholds.length} thresholds failed on the merged figures of ${shards.length} of ${count} shards`,
      evidence: [
        ...failed.map((t) => `${t.expr}: ${t.reason ?? `actual ${String(t.actual)}`}`),
        ...(missing.length > 0 ? [`missing shards: ${missing.join(', ')} (the run is incomplete)`] : []),
      ],
      vars: { run },
    }),
  ];
}

/**
 * Diagnoses a merged run like a scenario run: the runbook's latency and error-rate findings from the merged figures,
 * a finding for failed thresholds, and the same gate (every shard ran, every threshold held, nothing at or above the
 * severity gate, none missing).
 */
export function judgeMerged<R extends RunReport & { merge: MergeInfo }>(
  report: R,
  config: Config,
  raise: FindingBuilder = findingBuilderFor(config),
): R {
  const diagnosed = diagnose(diagnosisInput([], { summary: report.latency, fromLoad: true }), diagnosisContext(config, raise));
  const findings = [...diagnosed, ...thresholdFinding(report, raise)];
  const severity = worstSeverity(findings.map((f) => f.severity));
  const passed = report.merge.complete && gateVerdict(report.probes, report.thresholds, severity, config.severity.gate);
  return { ...report, findings, severity, passed };
}
