import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Postgres } from '../../src/datasources/postgres.js';
import { VectorStore } from '../../src/modules/recommendation/vector.store.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/c360.js');

/**
 * Puts the bench population in the state a run asks for: with preference vectors (the
 * recommendation models fitted by `c360 recommend fit`, once: later runs reuse them), or
 * without any, as the dataset is generated (a fit of an earlier run is removed, and `say`
 * tells so).
 */
export async function ensureVectors(
  db: Postgres,
  env: Record<string, string>,
  wanted: boolean,
  say: (message: string) => void,
): Promise<void> {
  const { rows } = await db.query<{ vectors: boolean; models: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM customer_embeddings) AS vectors,
            EXISTS (SELECT 1 FROM recommendation_models) AS models`,
  );
  const { vectors, models } = rows[0]!;
  if (wanted && !vectors) {
    const started = performance.now();
    await fit(env);
    say(`preference vectors fitted in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } else if (!wanted && (vectors || models)) {
    // Models first: a gateway finding a text model without vectors would embed and search.
    await db.query('DELETE FROM recommendation_models');
    await new VectorStore(db).pruneModels('');
    say('removed the recommendation models and vectors an earlier --with-vectors run fitted');
  }
}

/** `c360 recommend fit` on the bench database; its progress goes to stderr. */
function fit(env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, [CLI, 'recommend', 'fit'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', process.stderr, process.stderr],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`c360 recommend fit exited with ${code}`)),
    );
  });
}
