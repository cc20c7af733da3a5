import { Arg, Ctx, FieldResolver, Float, Int, Mutation, Query, Resolver, Root } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { RequireScope } from '../access/access.policy.js';
import { Scope } from '../access/access.kinds.js';
import { Customer } from '../customer/customer.type.js';
import { expectedPurchases } from './model/bgnbd.js';
import type { PredictionModel } from './prediction.scorer.js';
import type { PredictionService } from './prediction.service.js';
import type { StoredPrediction } from './prediction.store.js';
import {
  CustomerPredictions,
  PredictionFitResult,
  PredictionModelInfo,
} from './prediction.type.js';

export interface PredictionDeps {
  service: PredictionService;
}

@Resolver(() => Customer)
export class CustomerPredictionsResolver {
  @FieldResolver(() => CustomerPredictions, {
    nullable: true,
    description:
      'Predictive traits; null for a customer who has not bought yet, or before the first fit.',
  })
  async predictions(
    @Root() customer: Customer,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CustomerPredictions | null> {
    const stored = await ctx.loaders.predictionsByCustomerId.load(customer.id);
    return stored === null ? null : toPredictions(stored);
  }
}

@Resolver(() => CustomerPredictions)
export class PredictionFieldsResolver {
  constructor(private readonly deps: PredictionDeps) {}

  @FieldResolver(() => Float, {
    nullable: true,
    description: 'Expected purchase days in the next `horizonDays` (BG/NBD), 1 to 3,650.',
  })
  async expectedPurchases(
    @Root() predictions: CustomerPredictions,
    @Arg('horizonDays', () => Int, { defaultValue: 90 }) horizonDays: number,
  ): Promise<number | null> {
    if (!Number.isInteger(horizonDays) || horizonDays < 1 || horizonDays > 3_650) {
      throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'horizonDays must be 1 to 3,650', {
        extensions: { argument: 'horizonDays' },
      });
    }
    const model = await this.deps.service.currentModel();
    return model === null
      ? null
      : expectedPurchases(model.bgnbd.parameters, predictions.history, horizonDays);
  }
}

@Resolver()
export class PredictionModelResolver {
  constructor(private readonly deps: PredictionDeps) {}

  @Query(() => PredictionModelInfo, {
    nullable: true,
    description: 'The model predictions come from.',
  })
  async predictionModel(): Promise<PredictionModelInfo | null> {
    const model = await this.deps.service.currentModel();
    return model === null ? null : toModelInfo(model);
  }

  @RequireScope(Scope.ADMIN)
  @Mutation(() => PredictionFitResult, {
    description:
      'Fits BG/NBD and Gamma-Gamma on every buyer now and scores them all (also done on a schedule, PREDICTION_REFIT_MINUTES, on one instance).',
  })
  async fitPredictionModels(): Promise<PredictionFitResult> {
    const report = await this.deps.service.fit();
    return {
      model: report.model === null ? null : toModelInfo(report.model),
      scored: report.scored,
      durationMs: report.durationMs,
    };
  }
}

function toPredictions(p: StoredPrediction): CustomerPredictions {
  return {
    customerId: p.customerId,
    clv: p.clv,
    pAlive: p.pAlive,
    churnRisk: p.churnRisk,
    rfm: {
      recency: p.rfmRecency,
      frequency: p.rfmFrequency,
      monetary: p.rfmMonetary,
      segment: p.rfmSegment,
    },
    repeatPurchases: p.frequency,
    modelVersion: p.modelVersion,
    computedAt: p.computedAt,
    topFactors: p.topFactors,
    // The history as of the scoring: time since then adds to its age.
    history: {
      frequency: p.frequency,
      recency: p.recencyDays,
      age: p.ageDays + (Date.now() - p.computedAt.getTime()) / 86_400_000,
    },
  };
}

function toModelInfo(model: PredictionModel): PredictionModelInfo {
  return {
    version: model.version,
    fittedAt: new Date(model.fittedAt),
    customers: model.customers,
    bgnbd: model.bgnbd,
    gammaGamma: model.gammaGamma,
  };
}
