/** One map of probe kinds. Adding a kind is one file in probes/ and one line here. */
import { externalProbe } from './external.js';
import { httpProbe } from './http.js';
import { kubernetesProbe } from './kubernetes.js';
import { loadProbe } from './load.js';
import { postgresProbe } from './postgres.js';
import { prometheusProbe } from './prometheus.js';
import type { ProbeKind } from './types.js';

export const PROBE_KINDS: ReadonlyMap<string, ProbeKind> = new Map<string, ProbeKind>([
  ['http', httpProbe as ProbeKind],
  ['external', externalProbe as ProbeKind],
  ['prometheus', prometheusProbe as ProbeKind],
  ['postgres', postgresProbe as ProbeKind],
  ['kubernetes', kubernetesProbe as ProbeKind],
  ['load', loadProbe as ProbeKind],
]);
