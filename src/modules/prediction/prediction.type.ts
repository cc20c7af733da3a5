import { Field, Float, Int, ObjectType } from 'type-graphql';

import { JSONValue } from '../../graphql/json.scalar.js';
import { CustomerData } from '../access/access.policy.js';

@ObjectType({
  description:
    'Recency, frequency and monetary quintile scores (1–5) and the segment they fall in.',
})
export class RfmScore {
  @Field(() => Int)
  recency!: number;

  @Field(() => Int)
  frequency!: number;

  @Field(() => Int)
  monetary!: number;

  @Field(() => String, { description: 'e.g. champions, loyal, at risk, hibernating, lost.' })
  segment!: string;
}

@ObjectType({ description: 'What moves this customer’s scores most, against the population.' })
export class PredictionFactor {
  @Field(() => String)
  factor!: string;

  @Field(() => Float)
  value!: number;

  @Field(() => String)
  effect!: string;
}

@CustomerData()
@ObjectType({
  description:
    'Predictive traits from the customer’s purchases: BG/NBD (expected purchases, probability of being active) and Gamma-Gamma (spend), fitted in c360 on every buyer. Null fields need a model fitted on enough buyers.',
})
export class CustomerPredictions {
  customerId!: string;

  @Field(() => Float, {
    nullable: true,
    description:
      'Discounted expected spend over PREDICTION_CLV_HORIZON_DAYS (null without a spend model).',
  })
  clv!: number | null;

  @Field(() => Float, { description: 'Probability the customer is still active (BG/NBD).' })
  pAlive!: number;

  @Field(() => Float, { description: '1 − pAlive.' })
  churnRisk!: number;

  @Field(() => RfmScore)
  rfm!: RfmScore;

  @Field(() => Int, { description: 'Repeat purchase days so far.' })
  repeatPurchases!: number;

  @Field(() => String)
  modelVersion!: string;

  @Field(() => Date)
  computedAt!: Date;

  @Field(() => [PredictionFactor])
  topFactors!: PredictionFactor[];

  /** The history the scores rest on, for expectedPurchases. */
  history!: { frequency: number; recency: number; age: number };
}

@ObjectType({ description: 'A fitted prediction model, with standard errors.' })
export class PredictionModelInfo {
  @Field(() => String)
  version!: string;

  @Field(() => Date)
  fittedAt!: Date;

  @Field(() => Int, { description: 'Buyers it was fitted on.' })
  customers!: number;

  @Field(() => JSONValue, { description: 'BG/NBD r, alpha, a, b with standard errors, in days.' })
  bgnbd!: unknown;

  @Field(() => JSONValue, {
    nullable: true,
    description: 'Gamma-Gamma p, q, v with standard errors (null with too few repeat buyers).',
  })
  gammaGamma!: unknown;
}

@ObjectType()
export class PredictionFitResult {
  @Field(() => PredictionModelInfo, { nullable: true, description: 'Null with too few buyers.' })
  model!: PredictionModelInfo | null;

  @Field(() => Int)
  scored!: number;

  @Field(() => Int)
  durationMs!: number;
}
