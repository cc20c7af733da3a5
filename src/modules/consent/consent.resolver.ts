import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { assertUuid } from '../../lib/ids.js';
import { Customer } from '../customer/customer.type.js';
import { completeConsents } from './consent.store.js';
import { Consent } from './consent.type.js';
import { ConsentPurpose } from './consent.kinds.js';
import type { ConsentDeps } from './consent.deps.js';
import { setConsent } from './consent.service.js';

@Resolver(() => Customer)
export class ConsentResolver {
  constructor(private readonly deps: ConsentDeps) {}

  @FieldResolver(() => [Consent], { description: 'Consent for every purpose, in a fixed order.' })
  async consent(@Root() customer: Customer, @Ctx() ctx: GraphQLContext): Promise<Consent[]> {
    return completeConsents(await ctx.loaders.consentsByCustomerId.load(customer.id));
  }

  @Mutation(() => Consent, {
    description:
      'Records a customer’s answer for one purpose; NOT_FOUND for an unknown customer, SUPPRESSED for an erased one.',
  })
  async setConsent(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('purpose', () => ConsentPurpose) purpose: ConsentPurpose,
    @Arg('granted', () => Boolean) granted: boolean,
    @Arg('source', () => String, {
      nullable: true,
      description: 'Where the answer came from, up to 200 characters.',
    })
    source: string | null,
  ): Promise<Consent> {
    const id = assertUuid(customerId, 'customerId');
    if (source != null && source.length > 200) {
      throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'source must be at most 200 characters', {
        extensions: { argument: 'source' },
      });
    }
    return setConsent(this.deps, id, purpose, granted, source ?? null);
  }
}
