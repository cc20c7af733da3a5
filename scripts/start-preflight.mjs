// `npm start` runs this before it builds: a gateway already running on the same data folder
// must not see `dist/` rebuilt under it, and the second start must be refused at once, naming
// the first. It reads the same settings as src/config.ts (C360_DATA_DIR, and whether any store
// runs embedded; from the environment, then `.env`) and imports the lock module as
// TypeScript, since nothing is built yet.
/* global process */
import path from 'node:path';

import { assertDataFolderFree, DataFolderLockedError } from '../src/lib/data-folder-lock.ts';
import { loadEnvFile } from '../src/lib/env-file.ts';

const { env } = process;
loadEnvFile(env);
const set = (name) => (env[name] ?? '').trim() !== '';
if (!set('DATABASE_URL') || !set('NEO4J_URI')) {
  try {
    assertDataFolderFree(path.resolve(env['C360_DATA_DIR'] || '.data'));
  } catch (error) {
    if (!(error instanceof DataFolderLockedError)) {
      throw error;
    }
    process.stderr.write(`c360 could not start: ${error.message}\n`);
    process.exit(1);
  }
}
