/**
 * Findings are raised through a builder bound once per run to the values the runbook's commands name: the one
 * namespace the run resolved, the deployment, selector, container, image, service and target. Probes and diagnosis
 * receive the bound builder; none of them reads the whole configuration to fill in a command.
 */
import type { Finding, Severity } from '../model/types.js';
import { CAUSES, type CauseEntry, type CauseId } from './catalogue.js';

export interface FindingFill {
  namespace: string;
  deployment: string;
  selector: string;
  container: string;
  image: string;
  service: string;
  /** the API base URL, without a trailing slash */
  target: string;
}

export interface FindingInput {
  /** default: the catalogue's severity for the cause */
  severity?: Severity;
  summary: string;
  evidence?: string[];
  /** extra placeholders for the actions, e.g. { path: '/v1/papers/near?…' } */
  vars?: Record<string, string>;
  /** actions beyond the catalogue's, placed first (e.g. the exact pid to terminate) */
  extraActions?: string[];
}

export interface FindingBuilder {
  (cause: CauseId, input: FindingInput): Finding;
  readonly fill: Readonly<FindingFill>;
}

/** Fills `{ns}`, `{deployment}`, `{selector}`, `{container}`, `{image}`, `{target}` and any extra vars. */
export function fillPlaceholders(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\{([a-zA-Z]+)\}/g, (whole, key: string) => vars[key] ?? whole);
}

export function findingBuilder(fill: FindingFill): FindingBuilder {
  const bound: Readonly<FindingFill> = Object.freeze({ ...fill, target: fill.target.replace(/\/$/, '') });
  const base: Record<string, string> = {
    ns: bound.namespace,
    deployment: bound.deployment,
    selector: bound.selector,
    container: bound.container,
    image: bound.image,
    service: bound.service,
    pod: '<pod-name>',
    target: bound.target,
  };
  const raise = (cause: CauseId, input: FindingInput): Finding => {
    const entry: CauseEntry = CAUSES[cause];
    const vars = { ...base, ...input.vars };
    return {
      cause,
      severity: input.severity ?? entry.severity,
      summary: input.summary,
      evidence: input.evidence ?? [],
      runbook: entry.runbook,
      actions: [...(input.extraActions ?? []), ...entry.actions.map((a) => fillPlaceholders(a, vars))],
    };
  };
  return Object.assign(raise, { fill: bound });
}
