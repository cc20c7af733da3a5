import { fileURLToPath } from 'node:url';

import Postgrator from 'postgrator';

import type { Logger } from '../logger.js';
import type { Postgres } from './postgres.js';

/** The project's `migrations/` folder, wherever the compiled code runs from. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

export interface MigrationReport {
  from: number;
  to: number;
  applied: string[];
}

/**
 * Applies every pending forward-only migration in `migrations/` (postgrator, files named
 * `<timestamp>.do.<description>.sql`). Each file runs as one multi-statement query, which
 * PostgreSQL executes as one implicit transaction, so a failing file leaves nothing behind.
 *
 * A session-level advisory lock serialises concurrent gateways starting at once; the second
 * one finds nothing left to do. Applied files are checksummed: editing one after it ran fails
 * here instead of silently diverging.
 */
export async function migrate(
  db: Postgres,
  logger: Logger,
  dir = MIGRATIONS_DIR,
): Promise<MigrationReport> {
  return db.withClient(async (client) => {
    await client.query(`/* migrate.lock */ SELECT pg_advisory_lock(hashtext('c360.migrations'))`);
    try {
      const postgrator = new Postgrator({
        migrationPattern: `${dir}*.do.*.sql`,
        driver: 'pg',
        schemaTable: 'schema_migrations',
        validateChecksums: true,
        execQuery: (query) => client.query(query),
      });
      const from = await postgrator.getDatabaseVersion();
      const applied = await postgrator.migrate();
      const to = await postgrator.getDatabaseVersion();
      const names = applied.map((m) => m.filename);
      if (names.length > 0) {
        logger.info({ from, to, applied: names }, 'migrations applied');
      }
      return { from, to, applied: names };
    } finally {
      await client.query(
        `/* migrate.unlock */ SELECT pg_advisory_unlock(hashtext('c360.migrations'))`,
      );
    }
  });
}
