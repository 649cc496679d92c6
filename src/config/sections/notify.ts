import { z } from 'zod';
import { duration } from '../../model/settings/duration.js';
import { headerMap, httpUrl, optionalHttpUrl } from '../../model/settings/url.js';

const retry = z
  // budget: how long one message may hold the head of its sink's queue before it goes to the dead-letter list
  .object({
    initial: duration.default('1s'),
    max: duration.default('5m'),
    jitter: z.number().min(0).max(1).default(0.2),
    budget: duration.default('30m'),
  })
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
  z.object({ type: z.literal('webhook'), url: httpUrl, secret: z.string().optional(), headers: headerMap.default({}), ...common }).strict(),
  z.object({ type: z.literal('slack'), url: httpUrl, ...common }).strict(),
  z
    .object({
      type: z.literal('pagerduty'),
      routingKey: z.string().min(1),
      url: httpUrl.default('https://events.pagerduty.com/v2/enqueue'),
      ...common,
    })
    .strict(),
  // resendEvery must stay below Alertmanager's resolve_timeout (5m by default) or firing alerts expire between sends
  z
    .object({
      type: z.literal('alertmanager'),
      url: httpUrl,
      resendEvery: duration.default('1m'),
      generatorUrl: optionalHttpUrl.default(''),
      ...common,
    })
    .strict(),
]);

export type SinkConfig = z.infer<typeof sinkSchema>;
export const notifySchema = z.array(sinkSchema).default([{ type: 'log' }]);
