import { IsOptional, Length, MaxLength, ValidateNested } from 'class-validator';
import { JSONObject } from '../../graphql/json.scalar.js';
import { Field, InputType } from 'type-graphql';

import { IdentityInput } from '../identity/identity.type.js';
import { EventType } from './event.kinds.js';

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
}
