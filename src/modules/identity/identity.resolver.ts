import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';

import { Scope } from '../access/access.kinds.js';
import type { GraphQLContext } from '../../context.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { customerRefResolver } from '../customer/customer-ref.resolver.js';
import { Customer } from '../customer/customer.type.js';
import { IdentifyInput } from './identity.inputs.js';
import { identify, mergeCustomers } from './identity.service.js';
import { CustomerResolution, Identity } from './identity.type.js';
import { IdentityType } from './identity.kinds.js';
import { assertUuid } from '../../lib/ids.js';
import type { IdentityDeps } from './identity.deps.js';

@Resolver(() => Customer)
export class IdentityResolver {
  constructor(private readonly deps: IdentityDeps) {}

  @Query(() => Customer, {
    nullable: true,
    description:
      'The customer holding this identifier (normalised first), or null when nobody does. Looking up an EMAIL or PHONE needs the READ_PII scope: the answer tells whether that person is a customer.',
  })
  async customerByIdentity(
    @Arg('type', () => IdentityType) type: IdentityType,
    @Arg('value', () => String) value: string,
    @Arg('customType', () => String, {
      nullable: true,
      description: 'With type CUSTOM: which configured kind.',
    })
    customType: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Customer | null> {
    if (this.deps.masking.isPersonal('identity', value, type)) {
      // Whether an e-mail or phone belongs to a customer is itself personal data.
      ctx.access.require(Scope.READ_PII);
    }
    const key = this.deps.vocabulary.keyOf(type, value, customType);
    if (!key.ok) {
      throw new GatewayError(ErrorCode.BAD_USER_INPUT, key.reason, {
        extensions: { argument: 'value' },
      });
    }
    const customerId = await this.deps.identities.findCustomerId(key.key);
    return customerId === null ? null : ctx.loaders.customerById.load(customerId);
  }

  @Mutation(() => CustomerResolution, {
    description:
      'An anonymous visitor becomes known: both identities end on one customer, merging two customers when each holds one.',
  })
  identify(@Arg('input', () => IdentifyInput) input: IdentifyInput): Promise<CustomerResolution> {
    return identify(this.deps, input);
  }

  @Mutation(() => CustomerResolution, {
    description:
      'Merges one customer into another: identities, events and consent move; the merged id keeps resolving.',
  })
  mergeCustomers(
    @Arg('survivorId', () => ID) survivorId: string,
    @Arg('mergedId', () => ID) mergedId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CustomerResolution> {
    return mergeCustomers(
      this.deps,
      assertUuid(survivorId, 'survivorId'),
      assertUuid(mergedId, 'mergedId'),
      ctx.access.viewer?.keyId ?? null,
    );
  }

  @FieldResolver(() => [ID], {
    description: 'Ids of customers merged into this one; they resolve to it.',
  })
  mergedFrom(@Root() customer: Customer, @Ctx() ctx: GraphQLContext): Promise<string[]> {
    return ctx.loaders.mergedIdsBySurvivorId.load(customer.id);
  }

  @FieldResolver(() => [Identity], {
    description: 'Every identifier this customer is known by, oldest first.',
  })
  identities(@Root() customer: Customer, @Ctx() ctx: GraphQLContext): Promise<Identity[]> {
    return ctx.loaders.identitiesByCustomerId.load(customer.id);
  }
}

export const CustomerResolutionResolver = customerRefResolver(
  CustomerResolution,
  'The surviving customer’s profile.',
);
