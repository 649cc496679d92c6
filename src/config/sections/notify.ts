import { z } from 'zod';
import { duration } from '../duration.js';

const retry = z
  .object({ initial: duration.default('1s'), max: duration.default('5m'), jitter: z.number().min(0).max(1).default(0.2) })
  .strict()
  .default({});

const minSeverity = z.enum(['P0', 'P1', 'P2', 'P3']).default('P3');

export const sinkSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('log'), minSeverity, retry }).strict(),
  z.object({ type: z.literal('webhook'), url: z.string().url(), secret: z.string().optional(), headers: z.record(z.string()).default({}), minSeverity, retry }).strict(),
  z.object({ type: z.literal('slack'), url: z.string().url(), minSeverity, retry }).strict(),
  z.object({ type: z.literal('pagerduty'), routingKey: z.string().min(1), url: z.string().url().default('https://events.pagerduty.com/v2/enqueue'), minSeverity, retry }).strict(),
  z.object({ type: z.literal('alertmanager'), url: z.string().url(), resendEvery: duration.default('1m'), minSeverity, retry }).strict(),
]);

export type SinkConfig = z.infer<typeof sinkSchema>;
export const notifySchema = z.array(sinkSchema).default([{ type: 'log' }]);
