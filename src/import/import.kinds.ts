import type { ImportKind } from './import.kind.js';
import { campaignsKind, contentKind, productsKind } from './kinds/catalog.kinds.js';
import { customersKind } from './kinds/customers.kind.js';
import { eventsKind } from './kinds/events.kind.js';
import { relationshipsKind } from './kinds/relationships.kind.js';

/** Every kind `c360 import --kind` accepts, by name. */
export const IMPORT_KINDS: Readonly<Record<string, ImportKind>> = Object.fromEntries(
  [customersKind, eventsKind, relationshipsKind, productsKind, contentKind, campaignsKind].map(
    (kind) => [kind.name, kind],
  ),
);
