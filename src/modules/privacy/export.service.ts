import { ErrorCode, GatewayError } from '../../errors.js';
import { AuditAction } from '../access/access.kinds.js';
import type { Actor } from '../access/api-key.service.js';
import type { AuditStore } from '../access/audit.store.js';
import type { ConsentStore } from '../consent/consent.store.js';
import type { CustomerStore } from '../customer/customer.store.js';
import type { IdentityStore } from '../identity/identity.store.js';
import type { InteractionGraph } from '../interaction/interaction.graph.js';
import type { ExportStore } from './export.store.js';

/** Every store an export reads, and where its audit entry goes. */
export interface ExportDeps {
  customers: CustomerStore;
  identities: IdentityStore;
  consents: ConsentStore;
  exports: ExportStore;
  interactions: InteractionGraph;
  audit: AuditStore;
}

/** Far above any real customer's count: an export holds everything, not a page. */
const EXPORT_LIMIT = 1_000_000;

/**
 * Everything c360 holds about one person, from every store: profile, identities, consent, all
 * events, merge history, embedding and relationships (PostgreSQL), and their product
 * interactions and campaigns in the graph. An export is complete or fails: if Neo4j cannot
 * answer, the call fails with NEO4J_UNAVAILABLE rather than hand over a partial file.
 *
 * @throws GatewayError NOT_FOUND when no customer has (or had) this id.
 */
export async function exportCustomer(
  deps: ExportDeps,
  requestedId: string,
  actor: Actor,
): Promise<Record<string, unknown>> {
  const [resolved] = await deps.customers.resolveByIds([requestedId]);
  if (!resolved) {
    throw new GatewayError(ErrorCode.NOT_FOUND, `no customer with id ${requestedId}`, {
      extensions: { argument: 'id' },
    });
  }
  const { customer } = resolved;
  const [identities, consent, events, merges, embedding] = await Promise.all([
    deps.identities.listByCustomerIds([customer.id]),
    deps.consents.listByCustomerIds([customer.id]),
    deps.exports.listEvents(customer.id),
    deps.customers.listMergedIdsBySurvivorIds([customer.id]),
    deps.exports.findEmbedding(customer.id),
  ]);
  const [relationships, interactions, campaigns] = await Promise.all([
    deps.exports.listRelationships(customer.id),
    deps.interactions.listInteractionsByCustomerIds([customer.id], EXPORT_LIMIT),
    deps.interactions.listCampaignsByCustomerIds([customer.id], EXPORT_LIMIT),
  ]);
  await deps.audit.append({
    action: AuditAction.CUSTOMER_EXPORTED,
    keyId: actor.keyId,
    subjectIds: [customer.id],
    requestId: actor.requestId,
    details: { requestedId },
  });
  return {
    exportedAt: new Date().toISOString(),
    customer,
    // Types as stored: a custom kind under its own name (`loyalty_card`), not as `custom`.
    identities: identities.map(({ customerId: _c, type, customType, ...identity }) => ({
      type: customType ?? type,
      ...identity,
    })),
    consent: consent.map(({ customerId: _c, ...answer }) => answer),
    events,
    mergedFrom: merges.map((m) => m.mergedId),
    embedding,
    graph: {
      relationships,
      interactions: interactions.map(({ customerId: _c, ...interaction }) => interaction),
      campaigns: campaigns.map(({ customerId: _c, ...campaign }) => campaign),
    },
  };
}
