/**
 * Findings are raised through a builder bound once per run to the values the runbook's commands name: the one
 * namespace the run resolved, the deployment, selector, container, image, service and target. Probes and diagnosis
 * receive the bound builder; none of them reads the whole configuration to fill in a command.
 */
import type { Finding, FindingConfidence, Severity } from '../model/types.js';
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
  /** the providers' base URLs as configured (external.*.url): the API's own OpenAI may be a proxy or a mirror */
  openaiUrl: string;
  githubUrl: string;
}

/** The named action sets a cause offers besides its own, e.g. db_connection_failure's `probe-side`. */
export type VariantOf<C extends CauseId> = (typeof CAUSES)[C] extends { variants: infer V } ? keyof V & string : never;

export interface FindingInput {
  /** default: the catalogue's severity for the cause */
  severity?: Severity;
  summary: string;
  evidence?: string[];
  /** extra placeholders for the actions, e.g. { path: '/v1/papers/near?…' } */
  vars?: Record<string, string>;
  /** actions beyond the catalogue's, placed first (e.g. the exact pid to terminate) */
  extraActions?: string[];
  confidence?: FindingConfidence;
}

export interface FindingBuilder {
  <C extends CauseId>(cause: C, input: FindingInput & { variant?: VariantOf<C> }): Finding;
  readonly fill: Readonly<FindingFill>;
}

/** Fills `{ns}`, `{deployment}`, `{selector}`, `{container}`, `{image}`, `{target}` and any extra vars. */
export function fillPlaceholders(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\{([a-zA-Z]+)\}/g, (whole, key: string) => vars[key] ?? whole);
}

export function findingBuilder(fill: FindingFill): FindingBuilder {
  const trim = (url: string): string => url.replace(/\/+$/, '');
  const bound: Readonly<FindingFill> = Object.freeze({
    ...fill,
    target: trim(fill.target),
    openaiUrl: trim(fill.openaiUrl),
    githubUrl: trim(fill.githubUrl),
  });
  const base: Record<string, string> = {
    ns: bound.namespace,
    deployment: bound.deployment,
    selector: bound.selector,
    container: bound.container,
    image: bound.image,
    service: bound.service,
    pod: '<pod-name>',
    target: bound.target,
    openaiUrl: bound.openaiUrl,
    githubUrl: bound.githubUrl,
  };
  const raise = (cause: CauseId, input: FindingInput & { variant?: string }): Finding => {
    const entry: CauseEntry = CAUSES[cause];
    const chosen = (input.variant !== undefined ? entry.variants?.[input.variant] : undefined) ?? entry;
    const vars = { ...base, ...input.vars };
    return {
      cause,
      severity: input.severity ?? entry.severity,
      summary: input.summary,
      evidence: input.evidence ?? [],
      runbook: chosen.runbook,
      actions: [...(input.extraActions ?? []), ...chosen.actions.map((a) => fillPlaceholders(a, vars))],
      ...(input.confidence ? { confidence: input.confidence } : {}),
    };
  };
  return Object.assign(raise, { fill: bound });
}
