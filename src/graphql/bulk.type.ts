import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

import { ErrorCode } from '../errors.js';
import { countStatuses, ItemStatus } from './bulk.kinds.js';

registerEnumType(ErrorCode, {
  name: 'ErrorCode',
  description: 'The stable codes c360 answers with, in `extensions.code` and in per-item errors.',
});

@ObjectType({ description: 'Why an item of a batch was not stored.' })
export class ItemError {
  @Field(() => ErrorCode, {
    description: 'A stable code, as in `extensions.code` (e.g. BAD_USER_INPUT).',
  })
  code!: ErrorCode;

  @Field(() => String, { description: 'What was wrong, for a human.' })
  message!: string;
}

registerEnumType(ItemStatus, {
  name: 'ItemStatus',
  description:
    'How one item of a bulk write fared. CREATED: a new record was stored (for links and targeting: the fact was recorded; repeating it is harmless). UPDATED: an existing record was changed. UNCHANGED: nothing needed writing (an event whose message id was stored before). REJECTED: nothing was written for this item, see `error`.',
});

@ObjectType({ description: 'The outcome of one item of a bulk upsert.' })
export class UpsertItemResult {
  @Field(() => Int, { description: 'Position of the item in the request.' })
  index!: number;

  @Field(() => ItemStatus, { description: 'Created, updated, or rejected.' })
  status!: ItemStatus;

  @Field(() => ID, { nullable: true, description: 'The stored record’s id; null when rejected.' })
  id!: string | null;

  @Field(() => ItemError, { nullable: true, description: 'Why the item was rejected.' })
  error!: ItemError | null;
}

@ObjectType({
  description:
    'The outcome of a bulk upsert: counts and one result per item, in request order. A rejected item never half-writes, and never stops the others.',
})
export class BulkUpsertResult {
  @Field(() => Int, { description: 'Items stored as new records.' })
  created!: number;

  @Field(() => Int, { description: 'Items that changed existing records.' })
  updated!: number;

  @Field(() => Int, { description: 'Items not stored.' })
  rejected!: number;

  @Field(() => [UpsertItemResult], { description: 'One result per item, in request order.' })
  results!: UpsertItemResult[];
}

/** Tallies per-item results into the counts a {@link BulkUpsertResult} reports. */
export function toBulkUpsertResult(results: UpsertItemResult[]): BulkUpsertResult {
  const { created, updated, rejected } = countStatuses(results);
  return { created, updated, rejected, results };
}
