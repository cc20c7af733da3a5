import { Field, ID, InputType } from 'type-graphql';

import { WebhookChange } from './webhook.kinds.js';

@InputType({ description: 'A new webhook destination.' })
export class CreateWebhookDestinationInput {
  @Field(() => String, { description: 'What it is, 1 to 100 characters.' })
  name!: string;

  @Field(() => String, {
    description:
      'Where to POST: an http:// or https:// URL without credentials. With WEBHOOK_ALLOW_PRIVATE_NETWORKS off (production’s default), it must reach a public address.',
  })
  url!: string;

  @Field(() => [ID], {
    nullable: true,
    description:
      'The segments to follow (1 to 100, each existing); null or omitted: every segment.',
  })
  segmentIds?: string[] | null;

  @Field(() => [WebhookChange], {
    nullable: true,
    description: 'Which changes to send; omitted: ENTERED and EXITED.',
  })
  changes?: WebhookChange[] | null;
}

@InputType({ description: 'Changes to a webhook destination; omitted fields stay as they are.' })
export class UpdateWebhookDestinationInput {
  @Field(() => String, { nullable: true, description: 'A new name, 1 to 100 characters.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'A new URL (same rules as on creation).' })
  url?: string | null;

  @Field(() => [ID], {
    nullable: true,
    description:
      'The segments to follow; an explicit null means every segment. Changing segments or changes drops a failing batch’s attempts: the next batch is read afresh from the same cursor.',
  })
  segmentIds?: string[] | null;

  @Field(() => [WebhookChange], { nullable: true, description: 'Which changes to send.' })
  changes?: WebhookChange[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'false pauses delivery (changes wait in the feed, within its retention); true resumes it.',
  })
  active?: boolean | null;
}
