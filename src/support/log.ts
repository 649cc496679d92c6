import pino, { type Logger, type DestinationStream } from 'pino';
import type { Redactor } from './redact.js';

export type { Logger };

export interface LogOptions {
  level?: string;
  /** where JSON lines go; the one-shot CLI uses stderr so stdout stays one JSON document */
  destination?: DestinationStream | NodeJS.WritableStream;
  redact?: Redactor;
  pretty?: boolean;
}

const REDACT_PATHS = [
  'password',
  '*.password',
  'headers.authorization',
  '*.headers.authorization',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'routingKey',
  '*.routingKey',
];

/** pino with secrets removed twice: by key path, and by value (any configured secret inside any string). */
export function createLogger(options: LogOptions = {}): Logger {
  const redact = options.redact;
  const pinoOptions: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: { name: 'radar-probe' },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // log pipelines filter on `"level":"warn"`, not on pino's numbers
    formatters: { level: (label) => ({ level: label }) },
  };
  if (redact) {
    pinoOptions.hooks = {
      streamWrite: (line: string) => redact(line),
    };
  }
  if (options.pretty) {
    const transport = pino.transport({ target: 'pino-pretty', options: { destination: 2, colorize: !process.env.NO_COLOR } }) as DestinationStream;
    return pino(pinoOptions, transport);
  }
  const destination = options.destination ?? pino.destination({ dest: 2, sync: true });
  return pino(pinoOptions, destination);
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
