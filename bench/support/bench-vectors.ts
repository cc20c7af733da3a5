import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Postgres } from '../../src/datasources/postgres.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/c360.js');

/**
 * Puts the bench population in the state a run asks for: with preference vectors (the
 * recommendation models fitted by `c360 recommend fit`, once: later runs reuse them), or
 * without any, as the dataset is generated. Returns the fit's duration when one ran.
 */
export async function ensureVectors(
  db: Postgres,
  env: Record<string, string>,
  wanted: boolean,
): Promise<number | null> {
  const { rows } = await db.query<{ fitted: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM customer_embeddings) AS fitted',
  );
  const fitted = rows[0]!.fitted;
  if (wanted && !fitted) {
    const started = performance.now();
    await fit(env);
    return (performance.now() - started) / 1000;
  }
  if (!wanted && fitted) {
    // Models too: a gateway finding a text model would embed and search without vectors.
    await db.query('DELETE FROM customer_embeddings');
    await db.query('DELETE FROM item_embeddings');
    await db.query('DELETE FROM recommendation_models');
  }
  return null;
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
