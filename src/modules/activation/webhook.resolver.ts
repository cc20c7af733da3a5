import { Arg, ID, Mutation, Query, Resolver } from 'type-graphql';

import { Scope } from '../access/access.kinds.js';
import { RequireScope } from '../access/access.policy.js';
import type { ActivationDeps } from './activation.deps.js';
import { CreateWebhookDestinationInput, UpdateWebhookDestinationInput } from './webhook.inputs.js';
import { toDeadLetter } from './webhook.mapping.js';
import { WebhookDestination, WebhookDestinationSecret, WebhookRedelivery } from './webhook.type.js';

/** Webhook destinations: everything here needs the `ADMIN` scope. */
@Resolver()
export class WebhookResolver {
  constructor(private readonly deps: ActivationDeps) {}

  @RequireScope(Scope.ADMIN)
  @Query(() => [WebhookDestination], {
    description: 'Every webhook destination, newest first. Needs the admin scope.',
  })
  webhookDestinations(): Promise<WebhookDestination[]> {
    return this.deps.webhooks.list();
  }

  @RequireScope(Scope.ADMIN)
  @Query(() => WebhookDestination, {
    nullable: true,
    description: 'One webhook destination; null for an unknown id. Needs the admin scope.',
  })
  webhookDestination(@Arg('id', () => ID) id: string): Promise<WebhookDestination | null> {
    return this.deps.webhooks.findById(id);
  }

  @RequireScope(Scope.ADMIN)
  @Mutation(() => WebhookDestinationSecret, {
    description:
      'Creates a webhook destination, which receives the changes made from now on, and returns its signing secret, once. BAD_USER_INPUT for a bad URL or an unknown segment; nothing is stored then. Needs the admin scope.',
  })
  createWebhookDestination(
    @Arg('input', () => CreateWebhookDestinationInput) input: CreateWebhookDestinationInput,
  ): Promise<WebhookDestinationSecret> {
    return this.deps.webhooks.create(input);
  }

  @RequireScope(Scope.ADMIN)
  @Mutation(() => WebhookDestination, {
    description:
      'Changes a webhook destination. NOT_FOUND for an unknown id, BAD_USER_INPUT as on creation. Needs the admin scope.',
  })
  updateWebhookDestination(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateWebhookDestinationInput) input: UpdateWebhookDestinationInput,
  ): Promise<WebhookDestination> {
    return this.deps.webhooks.update(id, input);
  }

  @RequireScope(Scope.ADMIN)
  @Mutation(() => WebhookDestination, {
    description:
      'Deletes a webhook destination with its delivery log and dead letters; returns what it was. NOT_FOUND for an unknown id. Needs the admin scope.',
  })
  deleteWebhookDestination(@Arg('id', () => ID) id: string): Promise<WebhookDestination> {
    return this.deps.webhooks.delete(id);
  }

  @RequireScope(Scope.ADMIN)
  @Mutation(() => WebhookDestinationSecret, {
    description:
      'Replaces a destination’s signing secret and returns the new one, once; requests from now on are signed with it. NOT_FOUND for an unknown id. Needs the admin scope.',
  })
  rotateWebhookSecret(@Arg('id', () => ID) id: string): Promise<WebhookDestinationSecret> {
    return this.deps.webhooks.rotateSecret(id);
  }

  @RequireScope(Scope.ADMIN)
  @Mutation(() => WebhookRedelivery, {
    description:
      'Sends a dead letter again now (same body and delivery id, current secret) and records the attempt in the delivery log. NOT_FOUND for an unknown id. Needs the admin scope.',
  })
  async redeliverDeadLetter(@Arg('id', () => ID) id: string): Promise<WebhookRedelivery> {
    const outcome = await this.deps.webhooks.redeliver(id);
    return { ...outcome, deadLetter: toDeadLetter(outcome.deadLetter) };
  }
}
