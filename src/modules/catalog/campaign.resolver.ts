import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { readAfter, toConnection } from '../../lib/connection.js';
import { assertBatchSize, assertPageSize, assertUuid } from '../../lib/ids.js';
import { CampaignFilter, UpsertCampaignInput } from './catalog.inputs.js';
import { catalogWriters } from './catalog.service.js';
import { catalogWritesResolver } from './catalog-writes.resolver.js';
import { Campaign, CampaignConnection, TargetCampaignResult } from './catalog.type.js';
import { targetCampaign } from './targeting.service.js';

@Resolver(() => Campaign)
export class CampaignResolver extends catalogWritesResolver({
  type: Campaign,
  input: UpsertCampaignInput,
  writer: catalogWriters.campaign,
  single: 'upsertCampaign',
  bulk: 'upsertCampaigns',
  one: 'a campaign',
  plural: 'campaigns',
  key: 'external id',
}) {
  @Query(() => Campaign, { nullable: true, description: 'The campaign with this id, or null.' })
  campaign(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Campaign | null> {
    return ctx.loaders.campaignById.load(assertUuid(id, 'id'));
  }

  @Query(() => CampaignConnection, {
    description: 'Campaigns in external-id order, optionally filtered.',
  })
  async campaigns(
    @Arg('first', () => Int, { description: 'Page size, 1 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'Continue after this cursor.' })
    after: string | null,
    @Arg('filter', () => CampaignFilter, { nullable: true, description: 'Which campaigns.' })
    filter: CampaignFilter | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CampaignConnection> {
    const rows = await this.deps.campaigns.listPage({
      first: assertPageSize(first),
      afterExternalId: readAfter(after, ([key, ...rest]) =>
        typeof key === 'string' && rest.length === 0 ? key : null,
      ),
      status: filter?.status ?? null,
      channel: filter?.channel ?? null,
    });
    rows.forEach((campaign) => ctx.loaders.campaignById.prime(campaign.id, campaign));
    return toConnection(rows, first, (campaign) => [campaign.externalId]);
  }

  @Mutation(() => TargetCampaignResult, {
    description:
      'Targets customers (up to BATCH_MAX_SIZE) with a campaign: the graph gets (Customer)-[:TARGETED_BY {at}]->(Campaign) through the outbox. Unknown customer ids (NOT_FOUND) and erased ones (SUPPRESSED) are rejected one by one; an unknown campaign is a NOT_FOUND error.',
  })
  targetCampaign(
    @Arg('campaignId', () => ID) campaignId: string,
    @Arg('customerIds', () => [ID], { description: 'The customers to target.' })
    customerIds: string[],
  ): Promise<TargetCampaignResult> {
    assertBatchSize(customerIds.length, this.deps.batchMaxSize, 'customerIds');
    return targetCampaign(this.deps, assertUuid(campaignId, 'campaignId'), customerIds);
  }
}
