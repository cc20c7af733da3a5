import { Field, Float, Int, Mutation, ObjectType, Resolver } from 'type-graphql';

import { Scope } from '../access/access.kinds.js';
import { RequireScope } from '../access/access.policy.js';
import type { RecommendationDeps } from './recommendation.deps.js';

@ObjectType({ description: 'What a fit of the recommendation models produced.' })
export class FitReport {
  @Field(() => String, {
    nullable: true,
    description: 'The text (embedding) model now serving; null with an empty catalogue.',
  })
  textModel!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The item-item model now serving; null without interactions.',
  })
  itemItemVersion!: string | null;

  @Field(() => Int, { description: 'Catalogue items embedded.' })
  items!: number;

  @Field(() => Int, {
    description: 'Positive (customer, item) pairs the collaborative model learned from.',
  })
  positives!: number;

  @Field(() => Int, { description: 'Customers whose preference vectors were recomputed.' })
  customers!: number;

  @Field(() => Float, { description: 'How long the fit took.' })
  seconds!: number;
}

@Resolver()
export class RecommendationAdminResolver {
  constructor(private readonly deps: RecommendationDeps) {}

  @RequireScope(Scope.ADMIN)
  @Mutation(() => FitReport, {
    description:
      'Refits the recommendation models now (they are also refitted every RECOMMENDATION_REFIT_MINUTES on one instance). Every instance serves the new models within 10 s. Needs the admin scope.',
  })
  fitRecommendationModels(): Promise<FitReport> {
    return this.deps.trainer.fit();
  }
}
