import type { RelationshipWriteDeps } from './relationship.service.js';

/** What the relationship module's resolvers are built with (see relationship.module.ts). */
export interface RelationshipDeps extends RelationshipWriteDeps {
  batchMaxSize: number;
}
