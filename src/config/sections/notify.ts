import { z } from 'zod';
import { duration } from '../duration.js';

const retry = z
  .object({ initial: duration.default('1s'), max: duration.default('5m'), jitter: z.number().min(0).max(1).default(0.2) })
  .strict()
  .default({});

const minSeverity = z.enum(['P0', 'P1', 'P2', 'P3']).default('P3');
/** names a sink for metrics labels and escalation routing; defaults to its type (type-N when a type repeats) */
const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/i, 'expected a short name of letters, digits, "-" or "_"')
  .optional();
/** how long one delivery attempt may take before it counts as failed and is retried */
const timeout = duration.default('10s');
/** dependency notices (an external dependency failing while the service is fine) never page; a sink takes them only when asked */
const notices = z.boolean().default(false);
const common = { name, minSeverity, retry, timeout, notices };

export const sinkSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('log'), ...common }).strict(),
  z.object({ type: z.literal('webhook'), url: z.string().url(), secret: z.string().optional(), headers: z.record(z.string()).default({}), ...common }).strict(),
  z.object({ type: z.literal('slack'), url: z.string().url(), ...common }).strict(),
  z.object({ type: z.literal('pagerduty'), routingKey: z.string().min(1), url: z.string().url().default('https://events.pagerduty.com/v2/enqueue'), ...common }).strict(),
  // resendEvery must stay below Alertmanager's resolve_timeout (5m by default) or firing alerts expire between sends
  z.object({ type: z.literal('alertmanager'), url: z.string().url(), resendEvery: duration.default('1m'), generatorUrl: z.string().default(''), ...common }).strict(),
]);

export type SinkConfig = z.infer<typeof sinkSchema>;
export const notifySchema = z.array(sinkSchema).default([{ type: 'log' }]);
