/** The daemon logs to stdout (a container's log stream): pino JSON, or pino-pretty when a person is watching a TTY. */
import { createRequire } from 'node:module';
import pino from 'pino';
import type PinoPrettyFactory from 'pino-pretty';
import { createLogger, type Logger } from '../support/log.js';
import type { Redactor } from '../support/redact.js';

/** pino-pretty costs ~7 MB resident: loaded only when a person watches a terminal, never in a container. */
function prettyStream(): typeof PinoPrettyFactory {
  return createRequire(import.meta.url)('pino-pretty') as typeof PinoPrettyFactory;
}

export function daemonLogger(options: { level: string; redact: Redactor; tty: boolean; color: boolean; fd?: 1 | 2 }): Logger {
  const fd = options.fd ?? 1;
  // Synchronous writes: a log line written before exit is a log line that reached the collector.
  const destination = options.tty
    ? prettyStream()({ destination: fd, sync: true, colorize: options.color, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name' })
    : pino.destination({ dest: fd, sync: true });
  return createLogger({ level: options.level, redact: options.redact, destination });
}
