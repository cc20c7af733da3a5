import { ErrorCode, GatewayError } from '../../errors.js';
import { UUID_PATTERN } from '../../lib/ids.js';
import { OutboxStore } from '../../outbox/outbox.store.js';
import { ConsentPurpose } from '../consent/consent.kinds.js';
import { ConsentStore } from '../consent/consent.store.js';
import { CustomerStore } from '../customer/customer.store.js';
import type { WriteDeps } from '../module.js';
import { ErasedCustomerStore } from '../privacy/erased-customer.store.js';
import type { CampaignStore } from './campaign.store.js';
import { CampaignTargetStore } from './campaign-target.store.js';
import { CampaignTargeted } from './catalog.topics.js';
import { ItemStatus } from '../../graphql/bulk.kinds.js';
import type { TargetCampaignResult, TargetItemResult } from './catalog.type.js';

/**
 * Records that a campaign targets customers: one outbox message per customer found, written
 * together, so the graph gets (Customer)-[:TARGETED_BY {at}]->(Campaign) for exactly those.
 * An id merged into another customer targets the survivor; an unknown (NOT_FOUND), erased
 * (SUPPRESSED) or malformed id is reported in its result and writes nothing. Targeting again
 * only moves `at`.
 *
 * The customers are share-locked until the messages are written, so an erasure running at the
 * same time either waits for this transaction (and its node removal follows these messages)
 * or finishes first (and its customer is SUPPRESSED): a late message never brings an erased
 * customer's node back into the graph.
 *
 * @throws GatewayError NOT_FOUND for an unknown campaign (nothing is written).
 */
export async function targetCampaign(
  deps: WriteDeps & { campaigns: CampaignStore },
  campaignId: string,
  customerIds: readonly string[],
): Promise<TargetCampaignResult> {
  const [campaign] = await deps.campaigns.findByIds([campaignId]);
  if (!campaign) {
    throw new GatewayError(ErrorCode.NOT_FOUND, `no campaign with id ${campaignId}`, {
      extensions: { argument: 'campaignId' },
    });
  }
  const wellFormed = [
    ...new Set(customerIds.filter((id) => UUID_PATTERN.test(id)).map((id) => id.toLowerCase())),
  ];
  const results = await deps.db.withTransaction(async (tx) => {
    const current = await new CustomerStore(tx).shareLockCurrent(wellFormed);
    const erased = await new ErasedCustomerStore(tx).findErased(
      wellFormed.filter((id) => !current.has(id)),
    );
    const withdrawn = await new ConsentStore(tx).listWithdrawn(
      [...current.values()],
      ConsentPurpose.MARKETING,
    );
    const results = customerIds.map((id, index) => toResult(index, id, current, erased, withdrawn));
    const at = new Date().toISOString();
    const targeted = [...new Set(results.flatMap((r) => (r.customerId ? [r.customerId] : [])))];
    const rows = targeted.map((customerId) => ({ campaignId: campaign.id, customerId, at }));
    // The rows and their messages together: the graph follows exactly what PostgreSQL holds.
    await new CampaignTargetStore(tx).upsert(rows);
    await new OutboxStore(tx).add(rows.map((row) => CampaignTargeted.message(row)));
    return results;
  });
  deps.relay.wake();
  return {
    campaignId: campaign.id,
    created: results.filter((r) => r.status === ItemStatus.CREATED).length,
    rejected: results.filter((r) => r.status === ItemStatus.REJECTED).length,
    results,
  };
}

function toResult(
  index: number,
  id: string,
  current: ReadonlyMap<string, string>,
  erased: ReadonlySet<string>,
  withdrawn: ReadonlySet<string>,
): TargetItemResult {
  if (!UUID_PATTERN.test(id)) {
    return rejected(index, ErrorCode.BAD_USER_INPUT, `customer id must be a UUID`);
  }
  const customerId = current.get(id.toLowerCase());
  if (customerId === undefined) {
    return erased.has(id.toLowerCase())
      ? rejected(index, ErrorCode.SUPPRESSED, `customer ${id} was erased`)
      : rejected(index, ErrorCode.NOT_FOUND, `no customer with id ${id}`);
  }
  if (withdrawn.has(customerId)) {
    return rejected(index, ErrorCode.CONSENT_WITHDRAWN, 'the customer withdrew marketing consent');
  }
  return { index, status: ItemStatus.CREATED, customerId, error: null };
}

function rejected(index: number, code: ErrorCode, message: string): TargetItemResult {
  return { index, status: ItemStatus.REJECTED, customerId: null, error: { code, message } };
}
