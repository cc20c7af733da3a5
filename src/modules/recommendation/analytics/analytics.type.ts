import { Field, Float, Int, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';

import { RecommendationSurface } from '../recommendation.kinds.js';

/** What click-through is a share of. */
export enum CtrBase {
  VIEWS = 'VIEWS',
  IMPRESSIONS = 'IMPRESSIONS',
}

registerEnumType(CtrBase, {
  name: 'CtrBase',
  description: 'What click-through rates in a report divide by.',
  valuesConfig: {
    VIEWS: { description: 'Viewed answers: clients sent recommendation_view events.' },
    IMPRESSIONS: {
      description:
        'Computed answers: no recommendation_view event in the window, so every answer counts as seen.',
    },
  },
});

@ObjectType({ description: 'A share with its 95 % Wilson score interval, all in [0, 1].' })
export class Proportion {
  @Field(() => Float, { description: 'The observed share: successes / trials.' })
  value!: number;

  @Field(() => Float, { description: 'Lower bound of the 95 % interval.' })
  low!: number;

  @Field(() => Float, { description: 'Upper bound of the 95 % interval.' })
  high!: number;
}

@ObjectType({ description: 'A product and how many recommendation answers it counts in.' })
export class ProductCount {
  @Field(() => Int, { description: 'Answers (request ids), not events.' })
  count!: number;

  productId!: string;
}

@InterfaceType('RecommendationFunnel', {
  description:
    'Recommendation answers (request ids) at each stage: computed, seen, clicked, bought. Each stage counts an answer at most once, so each is a share of the one before.',
  resolveType: (value: object) => ('surface' in value ? 'SurfaceFunnel' : 'VariantFunnel'),
})
export abstract class Funnel {
  @Field(() => Int, {
    description: 'Answers computed (cache hits repeat one and are not counted).',
  })
  impressions!: number;

  @Field(() => Int, {
    description: 'Answers with a recommendation_view or recommendation_click event.',
  })
  views!: number;

  @Field(() => Int, { description: 'Answers with a recommendation_click event.' })
  clicks!: number;

  @Field(() => Int, {
    description:
      'Clicked answers followed, within 7 days, by a purchase event carrying their request id.',
  })
  purchases!: number;

  @Field(() => CtrBase, { description: 'What `ctr` divides clicks by.' })
  ctrBase!: CtrBase;
}

@ObjectType({ description: 'The recommendation funnel of one surface.', implements: Funnel })
export class SurfaceFunnel extends Funnel {
  @Field(() => RecommendationSurface)
  surface!: RecommendationSurface;

  @Field(() => Float, {
    nullable: true,
    description: 'clicks / views (or / impressions, see ctrBase); null when dividing by 0.',
  })
  ctr!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'purchases / clicks; null without clicks.',
  })
  conversion!: number | null;
}

@ObjectType({
  description: 'The recommendation funnel of one experiment variant.',
  implements: Funnel,
})
export class VariantFunnel extends Funnel {
  @Field(() => String, { description: 'The variant (`control`: the default blend).' })
  variant!: string;

  @Field(() => Proportion, {
    nullable: true,
    description: 'clicks / views (or / impressions, see ctrBase); null when dividing by 0.',
  })
  ctr!: Proportion | null;

  @Field(() => Proportion, {
    nullable: true,
    description: 'purchases / clicks; null without clicks.',
  })
  conversion!: Proportion | null;
}

@ObjectType({
  description:
    'How recommendations did over a window of answers: what was recommended, viewed and bought from them, and the funnel per surface and per experiment variant. Counts only; nothing about any one customer.',
})
export class RecommendationAnalytics {
  @Field(() => Date, { description: 'Answers computed at or after this time are counted.' })
  since!: Date;

  @Field(() => Date, { description: 'Answers computed before this time are counted.' })
  until!: Date;
}
