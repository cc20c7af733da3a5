import { JSONObject } from '../../graphql/json.scalar.js';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { CustomerData, PersonalData } from '../access/access.policy.js';
import { Node } from '../node/node.type.js';
import { PageInfo } from '../../graphql/page-info.type.js';

@CustomerData()
@ObjectType({
  implements: Node,
  description: 'A person c360 knows: one profile joined across every store.',
})
export class Customer implements Node {
  @Field(() => ID, { description: 'Stable id (a UUID).' })
  id!: string;

  @PersonalData('text')
  @Field(() => String, {
    description: 'Name to show for this customer. Personal: `•••` without the READ_PII scope.',
  })
  displayName!: string;

  @PersonalData('email')
  @Field(() => String, {
    nullable: true,
    description:
      'Primary e-mail address, when known. Personal: without READ_PII masked as `a•••@e•••.com`.',
  })
  email!: string | null;

  @PersonalData('json')
  @Field(() => JSONObject, {
    description:
      'Free-form traits (interests, plan, city, ...). Without READ_PII only the keys declared non-personal (NON_PERSONAL_KEYS: plan, interests, householdId, ... by default) keep their values, and those only when they do not look personal (e-mail, phone, card, IBAN, IP address); every other value reads `•••`.',
  })
  traits!: Record<string, unknown>;

  @PersonalData('opaque')
  @Field(() => [String], {
    description:
      'Interests the customer declared, as normalised keywords (see `keywords` for those derived from behaviour too). Without READ_PII, a keyword that looks personal (an e-mail address, a phone number...) is masked.',
  })
  interestKeywords!: string[];

  @Field(() => Date, { description: 'When the profile was first stored.' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When the profile last changed.' })
  updatedAt!: Date;
}

/** The order of a page of customers. */
export enum CustomerOrder {
  CREATED_DESC = 'CREATED_DESC',
  UPDATED_DESC = 'UPDATED_DESC',
}

registerEnumType(CustomerOrder, {
  name: 'CustomerOrder',
  description:
    'CREATED_DESC: newest profiles first. UPDATED_DESC: most recently changed first (for syncing changes).',
});

@ObjectType({ description: 'A customer and its cursor.' })
export class CustomerEdge {
  @Field(() => String, { description: 'Pass as `after` to continue after this customer.' })
  cursor!: string;

  @Field(() => Customer, { description: 'The customer.' })
  node!: Customer;
}

@ObjectType({ description: 'A page of customers (Relay cursor connection).' })
export class CustomerConnection {
  @Field(() => [CustomerEdge], { description: 'The customers of this page.' })
  edges!: CustomerEdge[];

  @Field(() => PageInfo, { description: 'Whether more customers follow.' })
  pageInfo!: PageInfo;
}
