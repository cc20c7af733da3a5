import { outboxTopic } from '../../outbox/outbox.topic.js';

export interface ProductUpsertedPayload {
  id: string;
  sku: string;
  name: string;
  categories: string[];
}

export interface ContentUpsertedPayload {
  id: string;
  title: string;
  categories: string[];
}

export interface CampaignUpsertedPayload {
  id: string;
  name: string;
}

/** A product was stored: the graph files it in exactly its categories. */
export const ProductUpserted = outboxTopic<ProductUpsertedPayload>('graph.product.upserted');
/** A content item was stored: the graph files it in exactly its categories. */
export const ContentUpserted = outboxTopic<ContentUpsertedPayload>('graph.content.upserted');
export const CampaignUpserted = outboxTopic<CampaignUpsertedPayload>('graph.campaign.upserted');
/** A campaign targeted a customer at `at` (ISO time). */
export const CampaignTargeted = outboxTopic<{ campaignId: string; customerId: string; at: string }>(
  'graph.campaign.targeted',
);
