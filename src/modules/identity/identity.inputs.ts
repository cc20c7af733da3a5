import { IsOptional, Length, ValidateNested } from 'class-validator';
import { JSONObject } from '../../graphql/json.scalar.js';
import { Field, InputType } from 'type-graphql';

import { IdentityInput } from './identity.type.js';

@InputType({
  description: 'An anonymous visitor becoming known: both identities end on one customer.',
})
export class IdentifyInput {
  @Field(() => String, { description: 'The anonymous id the visitor was tracked with.' })
  @Length(1, 256)
  anonymousId!: string;

  @Field(() => IdentityInput, {
    description: 'The identity they are now known by (not an anonymous id).',
  })
  @ValidateNested()
  identity!: IdentityInput;

  @Field(() => String, { nullable: true, description: 'Their name, if learnt now.' })
  @IsOptional()
  @Length(1, 200)
  displayName!: string | null;

  @Field(() => JSONObject, {
    nullable: true,
    description: 'Traits learnt now; they win over stored ones.',
  })
  traits!: Record<string, unknown> | null;
}
