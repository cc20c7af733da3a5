import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { type Config, ConfigError } from '../../config.js';
import type { Logger } from '../../logger.js';

/**
 * The pepper of development and test runs against a configured PostgreSQL without
 * SUPPRESSION_PEPPER. It is public, so it protects nothing: production refuses to start
 * without a pepper of its own.
 */
export const DEVELOPMENT_PEPPER = 'c360-development-pepper: public, never for personal data';

/** Where the embedded default keeps its generated pepper, beside the database it keys. */
export function suppressionPepperFile(dataDir: string): string {
  return path.join(dataDir, 'suppression-pepper');
}

/**
 * The secret that keys suppression hashes (see SuppressionKeys), decided once at start:
 *
 * - SUPPRESSION_PEPPER when it is set;
 * - without DATABASE_URL (the embedded PGlite): a random pepper generated on the first start
 *   and kept in the data folder (mode 0600) beside the database, as the development key is.
 *   Whoever can read that folder can read the whole database anyway;
 * - with DATABASE_URL in development or test: {@link DEVELOPMENT_PEPPER}, with a warning. One
 *   fixed value, so every instance and test process sharing a database agrees on it;
 * - with DATABASE_URL in production: none. Start-up is refused with a message saying what to
 *   set, rather than keep reversible hashes of erased people.
 *
 * @throws ConfigError in production with DATABASE_URL and no SUPPRESSION_PEPPER.
 */
export async function resolveSuppressionPepper(
  config: Pick<Config, 'env' | 'dataDir' | 'postgres' | 'privacy'>,
  logger: Logger,
): Promise<string> {
  if (config.privacy.suppressionPepper !== null) {
    return config.privacy.suppressionPepper;
  }
  if (config.postgres.url === null) {
    return ensureEmbeddedPepper(config.dataDir, logger);
  }
  if (config.env === 'production') {
    throw new ConfigError([
      'SUPPRESSION_PEPPER: required in production with DATABASE_URL. It keys the hashes kept of erased customers; generate one (`openssl rand -base64 32`), keep it with your other secrets, give every gateway instance the same one and never change it.',
    ]);
  }
  logger.warn(
    'SUPPRESSION_PEPPER is not set: suppression hashes use the public development pepper; set one before real personal data arrives',
  );
  return DEVELOPMENT_PEPPER;
}

async function ensureEmbeddedPepper(dataDir: string, logger: Logger): Promise<string> {
  const file = suppressionPepperFile(dataDir);
  const saved = await readPepper(file);
  if (saved !== null) {
    return saved;
  }
  await mkdir(dataDir, { recursive: true });
  const pepper = randomBytes(32).toString('base64url');
  try {
    // `wx`: never overwrite a pepper another start wrote meanwhile.
    await writeFile(file, `${pepper}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return (await readPepper(file))!;
    }
    throw error;
  }
  // writeFile's mode is filtered by the umask; make sure.
  await chmod(file, 0o600);
  logger.info({ file }, 'suppression pepper created');
  return pepper;
}

/**
 * The kept pepper, or null when there is no file yet. Any other failure is thrown: replacing
 * a pepper that exists but could not be read would silently un-suppress every erased person.
 */
async function readPepper(file: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return null;
    }
    throw error;
  }
  const pepper = text.trim();
  if (pepper === '') {
    throw new ConfigError([
      `${file} is empty: restore the suppression pepper it held, or delete the file to generate a new one (suppressions written with the old one then no longer match)`,
    ]);
  }
  return pepper;
}
