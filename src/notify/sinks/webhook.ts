/**
 * Generic webhook: the whole Notification as JSON. `Idempotency-Key` (= event id) lets a receiver drop the one
 * re-send a crash between "delivered" and "marked delivered" can cause; `X-Radar-Signature` proves the sender.
 */
import { createHmac } from 'node:crypto';
import type { SinkConfig } from '../../config/sections/notify.js';
import { postJson } from './http-post.js';
import type { DeliveryResult, Notification, Sink, SinkContext } from '../types.js';

type WebhookSinkConfig = Extract<SinkConfig, { type: 'webhook' }>;

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function webhookBody(n: Notification): string {
  return JSON.stringify({ version: 1, ...n });
}

export function webhookSink(id: string, config: Readonly<WebhookSinkConfig>): Sink {
  return {
    id,
    type: 'webhook',
    minSeverity: config.minSeverity,
    retry: config.retry,
    deliver(n: Notification, ctx: SinkContext): Promise<DeliveryResult> {
      const body = webhookBody(n);
      const headers: Record<string, string> = {
        ...config.headers,
        'idempotency-key': n.eventId,
        'x-radar-event-id': n.eventId,
        'x-radar-sequence': String(n.sequence),
      };
      if (config.secret) headers['x-radar-signature'] = signBody(config.secret, body);
      return postJson(config.url, body, { headers, timeoutMs: config.timeout, dispatcher: ctx.dispatcher, signal: ctx.signal });
    },
  };
}
