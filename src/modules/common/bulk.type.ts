import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

@ObjectType({ description: 'Why an item of a batch was not stored.' })
export class ItemError {
  @Field(() => String, {
    description: 'A stable code, as in `extensions.code` (e.g. BAD_USER_INPUT).',
  })
  code!: string;

  @Field(() => String, { description: 'What was wrong, for a human.' })
  message!: string;
}

/** How one item of a bulk upsert fared. */
export enum UpsertStatus {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  REJECTED = 'REJECTED',
}

registerEnumType(UpsertStatus, {
  name: 'UpsertStatus',
  description:
    'CREATED: a new record was stored. UPDATED: an existing record was changed. REJECTED: nothing was written for this item, see `error`.',
});

@ObjectType({ description: 'The outcome of one item of a bulk upsert.' })
export class UpsertItemResult {
  @Field(() => Int, { description: 'Position of the item in the request.' })
  index!: number;

  @Field(() => UpsertStatus, { description: 'Created, updated, or rejected.' })
  status!: UpsertStatus;

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
  const count = (status: UpsertStatus) => results.filter((r) => r.status === status).length;
  return {
    created: count(UpsertStatus.CREATED),
    updated: count(UpsertStatus.UPDATED),
    rejected: count(UpsertStatus.REJECTED),
    results,
  };
}
