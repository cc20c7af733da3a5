import { applier } from '../../outbox/outbox.topic.js';
import { CustomerMerged } from '../identity/identity.topics.js';
import { defineModule } from '../module.js';
import {
  CustomerRelationshipsResolver,
  RelatedCustomerResolver,
  RelativeResolver,
} from './customer-relationships.resolver.js';
import { type Edge, RelationshipEdgesGraph } from './relationship-edges.graph.js';
import type { RelationshipDeps } from './relationship.deps.js';
import { RelationshipGraph } from './relationship.graph.js';
import type { Relationship } from './relationship.kinds.js';
import { createRelationshipLoaders } from './relationship.loaders.js';
import { RelationshipResolver } from './relationship.resolver.js';
import {
  type RelationshipPayload,
  RelationshipLinked,
  RelationshipUnlinked,
} from './relationship.topics.js';

/**
 * The customer–customer graph: link and unlink (through the outbox), family, walks and
 * households. Follows merges by moving the merged customer's relationships to the survivor.
 */
export const relationshipModule = defineModule<RelationshipDeps>({
  name: 'relationship',
  resolvers: [
    RelationshipResolver,
    CustomerRelationshipsResolver,
    RelativeResolver,
    RelatedCustomerResolver,
  ],
  create: (platform) => {
    const edges = new RelationshipEdgesGraph(platform.graph);
    return {
      deps: {
        db: platform.db,
        relay: platform.relay,
        batchMaxSize: platform.settings.batchMaxSize,
      },
      loaders: (tuning) => createRelationshipLoaders(new RelationshipGraph(platform.graph), tuning),
      appliers: [
        applier(
          RelationshipLinked,
          (rows) => byType(rows, (type, e) => edges.mergeEdges(type, e)),
          { graph: true },
        ),
        applier(
          RelationshipUnlinked,
          (rows) => byType(rows, (type, e) => edges.deleteEdges(type, e)),
          { graph: true },
        ),
        applier(CustomerMerged, (pairs) => edges.repointCustomers(pairs), { graph: true }),
      ],
    };
  },
});

/** One statement per relationship type (types cannot be Cypher parameters). */
async function byType(
  rows: readonly RelationshipPayload[],
  write: (type: Relationship, edges: Edge[]) => Promise<void>,
): Promise<void> {
  const groups = new Map<Relationship, Edge[]>();
  for (const { type, from, to } of rows) {
    groups.set(type, [...(groups.get(type) ?? []), { from, to }]);
  }
  for (const [type, edges] of groups) {
    await write(type, edges);
  }
}
