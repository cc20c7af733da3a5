import type { Services } from '../../context.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { AuditAction } from '../access/access.type.js';
import type { Actor } from '../access/api-key.service.js';
import { ExportStore } from './export.store.js';

/** Far above any real customer's count: an export holds everything, not a page. */
const EXPORT_LIMIT = 1_000_000;

/**
 * Everything c360 holds about one person, from every store: profile, identities, consent, all
 * events, merge history, embedding, and their relationships, product interactions and
 * campaigns in the graph. An export is complete or fails: if Neo4j cannot answer, the call
 * fails with NEO4J_UNAVAILABLE rather than hand over a partial file.
 *
 * @throws GatewayError NOT_FOUND when no customer has (or had) this id.
 */
export async function exportCustomer(
  services: Services,
  requestedId: string,
  actor: Actor,
): Promise<Record<string, unknown>> {
  const [resolved] = await services.customers.resolveByIds([requestedId]);
  if (!resolved) {
    throw new GatewayError(ErrorCode.NOT_FOUND, `no customer with id ${requestedId}`, {
      extensions: { argument: 'id' },
    });
  }
  const { customer } = resolved;
  const exports = new ExportStore(services.db);
  const [identities, consent, events, merges, embedding] = await Promise.all([
    services.identities.listByCustomerIds([customer.id]),
    services.consents.listByCustomerIds([customer.id]),
    exports.listEvents(customer.id),
    services.customers.listMergedIdsBySurvivorIds([customer.id]),
    exports.findEmbedding(customer.id),
  ]);
  const [relationships, interactions, campaigns] = await Promise.all([
    services.customerGraph.listRelationships(customer.id),
    services.catalogGraph.listInteractionsByCustomerIds([customer.id], EXPORT_LIMIT),
    services.catalogGraph.listCampaignsByCustomerIds([customer.id], EXPORT_LIMIT),
  ]);
  await services.audit.append({
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
