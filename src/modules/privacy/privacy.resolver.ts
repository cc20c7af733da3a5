import { JSONObject } from '../../graphql/json.scalar.js';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { assertUuid } from '../../lib/ids.js';
import { actorOf } from '../access/access.resolver.js';
import { RequireScope } from '../access/access.policy.js';
import { Scope } from '../access/access.kinds.js';
import { eraseCustomer } from './erasure.service.js';
import { exportCustomer } from './export.service.js';
import { Erasure } from './erasure.type.js';
import type { PrivacyDeps } from './privacy.deps.js';

@Resolver()
export class PrivacyResolver {
  constructor(private readonly deps: PrivacyDeps) {}

  @RequireScope(Scope.ADMIN)
  @Query(() => JSONObject, {
    description:
      'Everything c360 holds about one customer, from every store, as one JSON document (data-subject access), unmasked. Fails rather than return a partial export. Audited as customer.exported. Needs the admin scope.',
  })
  exportCustomer(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Record<string, unknown>> {
    return exportCustomer(this.deps, assertUuid(id, 'id'), actorOf(ctx));
  }

  @RequireScope(Scope.ADMIN)
  @Mutation(() => Erasure, {
    description:
      'Erases a customer from every store and suppresses their identities, contact e-mail and ids: re-ingested events for them are dropped (and counted), not stored, and every write that would bring them back answers SUPPRESSED. Audited as customer.erased. Needs the admin scope.',
  })
  eraseCustomer(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Erasure> {
    return eraseCustomer(this.deps, assertUuid(id, 'id'), actorOf(ctx));
  }
}
