/** The daemon logs to stdout (a container's log stream): pino JSON, or pino-pretty when a person is watching a TTY. */
import pino from 'pino';
import PinoPretty from 'pino-pretty';
import { createLogger, type Logger } from '../support/log.js';
import type { Redactor } from '../support/redact.js';

export function daemonLogger(options: { level: string; redact: Redactor; tty: boolean; color: boolean; fd?: 1 | 2 }): Logger {
  const fd = options.fd ?? 1;
  // Synchronous writes: a log line written before exit is a log line that reached the collector.
  const destination = options.tty
    ? PinoPretty({ destination: fd, sync: true, colorize: options.color, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name' })
    : pino.destination({ dest: fd, sync: true });
  return createLogger({ level: options.level, redact: options.redact, destination });
}
