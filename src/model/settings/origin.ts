import { z } from 'zod';
import { ORIGIN_ENTRY_HELP, parseOriginEntry } from '../../support/hosts.js';

/** an allow-list entry of daemon.probeTargets or load.allowedHosts (rules in src/support/hosts.ts) */
export const originEntry = z.string().refine((text) => parseOriginEntry(text) !== null, { message: ORIGIN_ENTRY_HELP });
