/**
 * Where the tests find the real services. CI and developer machines run PostgreSQL (with
 * pgvector) and Redis locally; Neo4j comes from the launcher started by the global setup.
 * Each may be overridden to point the suite at other servers.
 */
export const TEST_SERVICES = {
  /** A superuser connection used only to create and drop one database per test file. */
  adminDatabaseUrl:
    process.env['C360_TEST_ADMIN_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env['C360_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  /** Set by test/setup/global-setup.ts for every test process. */
  get neo4jUri(): string {
    const uri = process.env['C360_TEST_NEO4J_URI'];
    if (!uri) {
      throw new Error('C360_TEST_NEO4J_URI is not set: run the tests through `npm test`');
    }
    return uri;
  },
};
