import { IsEmail, IsOptional, IsUUID, Length, MaxLength } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'A customer profile to create, or to update when `id` exists.' })
export class UpsertCustomerInput {
  @Field(() => ID, { nullable: true, description: 'Omit to create a new customer.' })
  @IsOptional()
  @IsUUID()
  id!: string | null;

  @Field(() => String, { description: 'Name to show; 1 to 200 characters.' })
  @Length(1, 200)
  displayName!: string;

  @Field(() => String, { nullable: true, description: 'Primary e-mail address.' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email!: string | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'Traits to store; `interests` (a list of strings) also feeds similarity search.',
  })
  traits!: Record<string, unknown> | null;
}
