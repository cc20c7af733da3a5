import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * The root logger: JSON lines on stdout, with credentials and personal fields redacted at the
 * root so no child logger can leak them.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { app: 'c360' },
    redact: {
      paths: [
        'password',
        '*.password',
        'apiKey',
        '*.apiKey',
        'authorization',
        '*.authorization',
        'req.headers.authorization',
        'headers.authorization',
        'email',
        '*.email',
        'phone',
        '*.phone',
        'url',
        '*.url',
      ],
      censor: '[redacted]',
    },
  });
}

/** A logger that writes nothing, for tests that do not assert on logs. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
