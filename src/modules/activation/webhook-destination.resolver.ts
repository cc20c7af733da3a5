import { Arg, FieldResolver, Int, Resolver, Root } from 'type-graphql';

import { readAfter, toConnection } from '../../lib/connection.js';
import { assertPageSize } from '../../lib/ids.js';
import type { ActivationDeps } from './activation.deps.js';
import { toDeadLetter } from './webhook.mapping.js';
import {
  WebhookDeadLetterConnection,
  WebhookDeliveryConnection,
  WebhookDestination,
} from './webhook.type.js';

/** A destination's delivery log and dead letters (admin scope, as the whole type). */
@Resolver(() => WebhookDestination)
export class WebhookDestinationResolver {
  constructor(private readonly deps: ActivationDeps) {}

  @FieldResolver(() => WebhookDeliveryConnection, {
    description: 'Its delivery attempts, newest first.',
  })
  async deliveries(
    @Root() destination: WebhookDestination,
    @Arg('first', () => Int, { description: 'Page size, 1 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'Continue after this cursor.' })
    after: string | null,
  ): Promise<WebhookDeliveryConnection> {
    const rows = await this.deps.logs.listDeliveries(
      destination.id,
      parseAfter(after),
      assertPageSize(first) + 1,
    );
    return toConnection(rows, first, (row) => ['delivery', row.id]);
  }

  @FieldResolver(() => WebhookDeadLetterConnection, {
    description: 'Its dead letters, newest first.',
  })
  async deadLetters(
    @Root() destination: WebhookDestination,
    @Arg('first', () => Int, { description: 'Page size, 1 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'Continue after this cursor.' })
    after: string | null,
  ): Promise<WebhookDeadLetterConnection> {
    const rows = await this.deps.logs.listDeadLetters(
      destination.id,
      parseAfter(after, 'deadLetter'),
      assertPageSize(first) + 1,
    );
    return toConnection(rows, first, (row) => ['deadLetter', row.id], toDeadLetter);
  }
}

/** Both connections page by bigint id; the tag keeps one's cursors out of the other. */
function parseAfter(after: string | null | undefined, tag = 'delivery'): string | null {
  return readAfter(after, ([kind, id, ...rest]) =>
    kind === tag && typeof id === 'string' && /^\d{1,18}$/.test(id) && rest.length === 0
      ? id
      : null,
  );
}
