import type { Backends } from '../../src/backends.js';
import { Customer360Store } from '../../src/modules/read-model/customer-360.store.js';
import { DOCUMENT_FORMAT } from '../../src/modules/read-model/held-query.js';
import { until } from './until.js';

/**
 * When each customer's servable 360 document (this gateway's format, no dirty mark) was built,
 * waiting until every one has one, or until `after` says the one found is new enough. A first
 * read asks the projector for a missing document: read them before waiting.
 */
export async function documentsServable(
  backends: Backends,
  ids: readonly string[],
  after: (builtAt: Date, id: string) => boolean = () => true,
): Promise<Map<string, Date>> {
  const store = new Customer360Store(backends.postgres);
  return until(
    () => store.builtAt(ids, DOCUMENT_FORMAT),
    (built) => ids.every((id) => built.has(id) && after(built.get(id)!, id)),
    60_000,
  );
}
