/** One map of probe kinds. Adding a kind is one file in probes/ and one line here. */
import { httpProbe } from './http.js';
import type { ProbeKind } from './types.js';

export const PROBE_KINDS: ReadonlyMap<string, ProbeKind> = new Map<string, ProbeKind>([
  ['http', httpProbe as ProbeKind],
]);
