/** JSON log lines carry the level name that log pipelines filter on, and secrets stay out of them. */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from '../../src/support/log.js';
import { createRedactor } from '../../src/support/redact.js';

function capture(): { lines: Record<string, unknown>[]; sink: Writable } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()) });
  return { lines, sink };
}

test('every level is written as its name, not as pino number', () => {
  const { lines, sink } = capture();
  const log = createLogger({ level: 'trace', destination: sink });
  log.trace('t');
  log.debug('d');
  log.info('i');
  log.warn('w');
  log.error('e');
  log.fatal('f');
  assert.deepEqual(
    lines.map((l) => l.level),
    ['trace', 'debug', 'info', 'warn', 'error', 'fatal'],
  );
});

test('the level threshold still filters, and redaction by key and by value still applies', () => {
  const { lines, sink } = capture();
  const log = createLogger({ level: 'warn', destination: sink, redact: createRedactor(['hunter2-secret-value']) });
  log.info('dropped');
  log.warn({ password: 'pw-by-key', detail: 'saw hunter2-secret-value in a reply' }, 'kept');
  assert.equal(lines.length, 1);
  assert.equal(lines[0].level, 'warn');
  assert.equal(lines[0].password, '[REDACTED]');
  assert.ok(!JSON.stringify(lines).includes('hunter2-secret-value'));
});
