/** Slack incoming webhook: `text` (notification fallback) plus Block Kit blocks with the template fields. */
import type { SinkConfig } from '../../config/sections/notify.js';
import { postJson } from './http-post.js';
import type { DeliveryResult, Notification, Sink, SinkContext } from '../types.js';

type SlackSinkConfig = Extract<SinkConfig, { type: 'slack' }>;

// Slack rejects section text over 3000 characters and header text over 150
const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function slackPayload(n: Notification): { text: string; blocks: unknown[] } {
  const fields = Object.entries(n.fields).map(([name, value]) => ({ type: 'mrkdwn', text: clip(`*${name}:*\n${value}`, 2000) }));
  const findings = n.findings
    .map((f) => `• *${f.severity}* \`${f.cause}\` ${f.summary}\n   _${f.runbook}_${f.actions[0] ? `\n   \`${f.actions[0]}\`` : ''}`)
    .join('\n');
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`${n.template}: ${n.title}`, 150) } },
    // a section holds at most 10 fields
    { type: 'section', fields: fields.slice(0, 10) },
  ];
  if (findings) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*Findings*\n${findings}`, 3000) } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(`${n.incidentId} · event ${n.eventId}`, 300) }] });
  return { text: clip(n.text, 3000), blocks };
}

export function slackSink(id: string, config: Readonly<SlackSinkConfig>): Sink {
  return {
    id,
    type: 'slack',
    minSeverity: config.minSeverity,
    retry: config.retry,
    deliver(n: Notification, ctx: SinkContext): Promise<DeliveryResult> {
      return postJson(config.url, JSON.stringify(slackPayload(n)), { timeoutMs: config.timeout, dispatcher: ctx.dispatcher, signal: ctx.signal });
    },
  };
}
