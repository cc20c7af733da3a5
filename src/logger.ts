import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

import type { LogFormat } from './config.js';

export type { Logger } from 'pino';

/**
 * The root logger: JSON lines on stdout (or readable lines, see {@link LogFormat}), with
 * credentials and personal fields redacted at the root so no child logger can leak them. CLI
 * commands whose stdout is their output log to stderr (`destination` 2).
 */
export function createLogger(
  level: string,
  destination: 1 | 2 = 1,
  format: LogFormat = 'json',
): Logger {
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
  const readable =
    format === 'pretty' ||
    (format === 'auto' && (destination === 1 ? process.stdout : process.stderr).isTTY === true);
  if (readable) {
    // In this thread and synchronous, as pino.destination is: nothing is lost at exit.
    return pino(
      options,
      pretty({
        destination,
        sync: true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname,app',
      }),
    );
  }
  return destination === 1 ? pino(options) : pino(options, pino.destination(2));
}

/** A logger that writes nothing, for tests that do not assert on logs. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
