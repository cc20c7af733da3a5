import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { GatewayError } from '../../errors.js';
import { readAfter, toConnection } from '../../lib/connection.js';
import { assertBatchSize, assertPageSize } from '../../lib/ids.js';
import { Customer } from '../customer/customer.type.js';
import { TrackEventInput } from './event.inputs.js';
import { storedFor, trackEvents } from './event.service.js';
import { countStatuses, ItemStatus } from '../../graphql/bulk.kinds.js';
import { EventConnection, TrackBatchResult, TrackResult } from './event.type.js';
import { EventType } from './event.kinds.js';
import type { EventDeps } from './event.deps.js';

@Resolver(() => Customer)
export class EventResolver {
  constructor(private readonly deps: EventDeps) {}

  @Mutation(() => TrackResult, {
    description:
      'Stores one event, idempotently by `messageId`; a malformed event is a BAD_USER_INPUT error.',
  })
  async track(
    @Arg('event', () => TrackEventInput) event: TrackEventInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TrackResult> {
    const [result] = await this.write(ctx, [event]);
    if (result!.status === ItemStatus.REJECTED) {
      throw new GatewayError(result!.error!.code, result!.error!.message);
    }
    return result!;
  }

  @Mutation(() => TrackBatchResult, {
    description:
      'Stores up to BATCH_MAX_SIZE events (default 1,000), idempotently by `messageId`, with one result per event: a rejected event never affects the others.',
  })
  async trackBatch(
    // Validated per event by the service, so one bad event is reported, not fatal to the batch.
    @Arg('events', () => [TrackEventInput], { validate: false }) events: TrackEventInput[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<TrackBatchResult> {
    assertBatchSize(events.length, this.deps.batchMaxSize, 'events');
    const results = await this.write(ctx, events);
    const { created, unchanged, rejected } = countStatuses(results);
    return { created, unchanged, rejected, results };
  }

  @FieldResolver(() => EventConnection, {
    nullable: true,
    description:
      'The customer’s events, newest first, optionally by type and time range [from, to).',
  })
  async events(
    @Root() customer: Customer,
    @Arg('first', () => Int, { description: 'Page size, 1 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'Continue after this cursor.' })
    after: string | null,
    @Arg('types', () => [EventType], { nullable: true, description: 'Only these types.' })
    types: EventType[] | null,
    @Arg('from', () => Date, { nullable: true, description: 'Only events at or after this time.' })
    from: Date | null,
    @Arg('to', () => Date, { nullable: true, description: 'Only events before this time.' })
    to: Date | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<EventConnection> {
    const rows = await ctx.loaders.eventPageByCustomerId.load({
      customerId: customer.id,
      first: assertPageSize(first),
      after: parseAfter(after),
      types: types && types.length > 0 ? types : null,
      from: from ?? null,
      to: to ?? null,
    });
    return toConnection(rows, first, (event) => event.cursorKey);
  }

  private async write(
    ctx: GraphQLContext,
    events: readonly TrackEventInput[],
  ): Promise<TrackResult[]> {
    const results = await trackEvents(this.deps, events, ctx.logger);
    this.deps.relay.wake();
    await this.deps.afterCommit.eventsStored(storedFor(results));
    return results;
  }
}

/** Events page by (occurred_at in µs, id), both kept as digit strings. */
function parseAfter(after: string | null | undefined): { occurredUs: string; id: string } | null {
  return readAfter(after, ([occurredUs, id, ...rest]) =>
    typeof occurredUs === 'string' &&
    /^-?\d+$/.test(occurredUs) &&
    typeof id === 'string' &&
    /^-?\d+$/.test(id) &&
    rest.length === 0
      ? { occurredUs, id }
      : null,
  );
}
