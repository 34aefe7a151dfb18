import { pino } from 'pino';

/** The subset of pino's API the engine uses, so tests can pass a silent or capturing logger. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = pino({ level: 'silent' });

export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    // Secrets never belong in logs; these are the places they could hide.
    redact: {
      paths: ['apiKey', '*.apiKey', 'headers.authorization', '*.headers.authorization', 'token'],
      censor: '[redacted]',
    },
  });
}
