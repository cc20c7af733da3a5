import { IsOptional, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { JSONObject } from '../../graphql/json.scalar.js';
import { Field, InputType } from 'type-graphql';

import { IdentityInput } from '../identity/identity.type.js';
import { EventType } from './event.kinds.js';

/** As events_channel_check, but either case: the gateway stores it lower-case. */
const CHANNEL_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/i;

@InputType({ description: 'One behavioural event, attributed to whoever holds `identity`.' })
export class TrackEventInput {
  @Field(() => String, {
    description: 'The client’s unique id for this message; resending it is harmless.',
  })
  @Length(1, 128)
  messageId!: string;

  @Field(() => IdentityInput, {
    description:
      'Who did it. An identity c360 has not seen yet creates a new (for anonymous ids: anonymous) customer.',
  })
  @ValidateNested()
  identity!: IdentityInput;

  @Field(() => EventType, { description: 'What kind of event.' })
  type!: EventType;

  @Field(() => String, {
    nullable: true,
    description: 'A name within the type, up to 200 characters.',
  })
  @IsOptional()
  @MaxLength(200)
  name!: string | null;

  @Field(() => JSONObject, { nullable: true, description: 'Free-form properties.' })
  properties!: Record<string, unknown> | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When it happened; defaults to when c360 receives it.',
  })
  occurredAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The client’s id of the visit or session the event belongs to, 1 to 128 characters.',
  })
  @IsOptional()
  @Length(1, 128)
  sessionId!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Where it happened (`web`, `ios`, `email`, `store`...): a letter, then up to 31 letters, digits, `_` or `-`; stored lower-case.',
  })
  @IsOptional()
  @Matches(CHANNEL_PATTERN, {
    message:
      'channel must be a letter followed by up to 31 letters, digits, underscores or hyphens',
  })
  channel!: string | null;
}
