import type { GraphQLInputType, GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { Customer } from '../customer/customer.type.js';
import type { AssistantDeps } from './assistant.deps.js';
import {
  CustomerAnswer,
  CustomerSummary,
  ProductAnswer,
  SegmentSuggestion,
} from './assistant.type.js';

const QUESTION = 'A question in plain language (ASSISTANT_MAX_QUESTION_LENGTH characters at most).';

@Resolver(() => Customer)
export class CustomerSummaryResolver {
  constructor(private readonly deps: AssistantDeps) {}

  @FieldResolver(() => CustomerSummary, {
    nullable: true,
    description:
      'A short account of the customer, every statement citing its facts; written by the language model, or by templates without one (see `source`). Needs the customer’s AI consent (else null with FORBIDDEN). Built only from what this key may read unmasked; cached until the data changes.',
  })
  summary(@Root() customer: Customer, @Ctx() ctx: GraphQLContext): Promise<CustomerSummary> {
    return this.deps.service.summary(ctx, customer.id);
  }
}

@Resolver()
export class AssistantResolver {
  constructor(private readonly deps: AssistantDeps) {}

  @Query(() => CustomerAnswer, {
    description:
      'A question about one customer, answered from their 360 data with citations. Needs their AI consent (FORBIDDEN otherwise, and nothing is sent); NOT_FOUND for an unknown customer.',
  })
  ask(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('question', () => String, { description: QUESTION }) question: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CustomerAnswer> {
    return this.deps.service.ask(ctx, customerId, question);
  }

  @Query(() => ProductAnswer, {
    description:
      'Conversational product search: the catalogue searched by meaning and words, then an answer citing only products found.',
  })
  async askProducts(
    @Arg('question', () => String, { description: QUESTION }) question: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ProductAnswer> {
    const { answer, matches } = await this.deps.service.askProducts(ctx, question);
    return { ...answer, products: matches };
  }

  @Query(() => SegmentSuggestion, {
    description:
      'A segment rule from a description, checked like `defineSegment` input and previewed (size and sample); never saved. Needs a language model: without one, `rule` is null and `explanation` says so.',
  })
  askSegment(
    @Arg('question', () => String, { description: QUESTION }) question: string,
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<SegmentSuggestion> {
    const ruleType = info.schema.getType('SegmentRuleInput') as GraphQLInputType;
    return this.deps.service.askSegment(ctx, question, ruleType);
  }
}
