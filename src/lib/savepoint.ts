import type { Queryable } from '../datasources/postgres.js';

/**
 * Runs one item's writes inside a savepoint of the surrounding transaction: if `work` throws,
 * only that item's writes are rolled back (and the error re-thrown), so a batch can report the
 * item and go on with the rest without ever half-writing it.
 */
export async function inSavepoint<T>(tx: Queryable, work: () => Promise<T>): Promise<T> {
  await tx.query('SAVEPOINT batch_item');
  try {
    const result = await work();
    await tx.query('RELEASE SAVEPOINT batch_item');
    return result;
  } catch (error) {
    await tx.query('ROLLBACK TO SAVEPOINT batch_item');
    throw error;
  }
}
