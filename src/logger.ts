import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * The root logger: JSON lines on stdout, with credentials and personal fields redacted at the
 * root so no child logger can leak them. CLI commands whose stdout is their output log to
 * stderr (`destination` 2).
 */
export function createLogger(level: string, destination: 1 | 2 = 1): Logger {
  const options = {
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
  };
  return destination === 1 ? pino(options) : pino(options, pino.destination(2));
}

/** A logger that writes nothing, for tests that do not assert on logs. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
