/**
 * `kubectl logs --previous --tail=N`: the last lines of failing containers (the crashed instance when it restarted),
 * scanned for the runbook's log signatures.
 */
import type { CauseId } from '../../src/runbook/catalogue.js';
import type { ErrorInfo } from '../../src/model/errors.js';
import { call, type KubeApis } from '../../src/clients/kubernetes/api.js';
import type { PodFacts } from './pods.js';

export interface LogSignature {
  cause: CauseId;
  label: string;
  pattern: RegExp;
}

/** First match wins per line, so the pool's own TimeoutError counts as pool exhaustion, not a slow query. */
export const LOG_SIGNATURES: readonly LogSignature[] = [
  { cause: 'connection_pool_exhaustion', label: 'QueuePool limit reached', pattern: /QueuePool limit\b.*\breached/i },
  { cause: 'connection_pool_exhaustion', label: 'pool wait timeout', pattern: /Timeout waiting for connection from pool/i },
  { cause: 'db_connection_failure', label: 'no pg_hba.conf entry', pattern: /no pg_hba\.conf entry/i },
  { cause: 'db_connection_failure', label: 'could not connect', pattern: /OperationalError\b.*could not connect|could not connect to server/i },
  { cause: 'db_connection_failure', label: 'password authentication failed', pattern: /password authentication failed for user/i },
  { cause: 'db_query_timeout', label: 'query exceeded timeout', pattern: /Query exceeded timeout|canceling statement due to statement timeout/i },
  { cause: 'db_query_timeout', label: 'TimeoutError', pattern: /\bTimeoutError\b/ },
  { cause: 'external_openai_failure', label: 'OpenAI 5xx', pattern: /OpenAI API error:?\s*5\d\d/i },
  { cause: 'external_github_failure', label: 'GitHub 5xx', pattern: /GitHub API(?: error)?:?\s*5\d\d/i },
];

export interface LogMatch {
  cause: CauseId;
  label: string;
  pod: string;
  container: string;
  previous: boolean;
  line: string;
}

export interface LogTarget {
  pod: string;
  container: string;
  previous: boolean;
}

export interface LogScan {
  targets: (LogTarget & { lines: number; error?: ErrorInfo })[];
  matches: LogMatch[];
  linesScanned: number;
}

const MAX_LINE = 240;

export function scanLog(text: string, target: LogTarget, redact: (text: string) => string): LogMatch[] {
  const out: LogMatch[] = [];
  for (const raw of text.split('\n')) {
    const signature = LOG_SIGNATURES.find((s) => s.pattern.test(raw));
    if (!signature) continue;
    const line = redact(raw.trim());
    out.push({ ...target, cause: signature.cause, label: signature.label, line: line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line });
  }
  return out;
}

/** Failing pods first (their crashed container), then healthy ones, up to `max` containers in all. */
export function logTargets(pods: readonly PodFacts[], preferredContainer: string, max: number): LogTarget[] {
  const targets: LogTarget[] = [];
  const ordered = [...pods.filter((p) => p.failing && !p.evicted), ...pods.filter((p) => !p.failing && !p.terminal)];
  for (const pod of ordered) {
    const app = pod.containers.filter((c) => !c.init);
    const broken = pod.failing ? pod.containers.filter((c) => !c.ready || c.restartsRecent > 0) : [];
    const chosen =
      broken.length > 0
        ? broken
        : app
            .filter((c) => c.name === preferredContainer)
            .concat(app)
            .slice(0, 1);
    for (const c of chosen) {
      // Image-pull failures have no log at all: asking would only produce a 400.
      if (c.waitingReason && /Image|ContainerConfig/.test(c.waitingReason) && c.restartCount === 0) continue;
      targets.push({ pod: pod.name, container: c.name, previous: c.restartCount > 0 && c.lastTermination !== null });
    }
  }
  return targets.slice(0, max);
}

export async function readLogs(
  apis: KubeApis,
  namespace: string,
  targets: readonly LogTarget[],
  tailLines: number,
  io: { signal: AbortSignal; timeoutMs: number; redact: (text: string) => string },
): Promise<LogScan> {
  const results = await Promise.all(
    targets.map(async (target) => {
      const what = `logs of ${target.pod}/${target.container}${target.previous ? ' (previous)' : ''}`;
      const read = (previous: boolean) =>
        call(what, io.signal, io.timeoutMs, (o) =>
          apis.core.readNamespacedPodLog({ namespace, name: target.pod, container: target.container, previous, tailLines }, o),
        );
      let result = await read(target.previous);
      let used = target;
      // The previous instance may already be gone (garbage-collected); the current one is the next best witness.
      if (!result.ok && target.previous && result.status === 400) {
        used = { ...target, previous: false };
        result = await read(false);
      }
      if (!result.ok) return { target: { ...used, lines: 0, error: result.error }, matches: [] };
      const text = typeof result.value === 'string' ? result.value : '';
      const lines = text.length === 0 ? 0 : text.replace(/\n$/, '').split('\n').length;
      return { target: { ...used, lines }, matches: scanLog(text, used, io.redact) };
    }),
  );
  return {
    targets: results.map((r) => r.target),
    matches: results.flatMap((r) => r.matches),
    linesScanned: results.reduce((n, r) => n + r.target.lines, 0),
  };
}
