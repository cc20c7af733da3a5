import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

import { PageInfo } from '../../graphql/page-info.type.js';
import { CustomerData } from '../access/access.policy.js';
import { CustomerMerge, MatchEvidence } from '../identity/merge.type.js';

@CustomerData()
@ObjectType({
  description:
    'Two customers the record-linkage model takes for one person, with its confidence and the evidence per field.',
})
export class DuplicateSuggestion {
  @Field(() => ID, { description: 'For acceptDuplicateSuggestion and rejectDuplicateSuggestion.' })
  id!: string;

  @Field(() => [ID], { description: 'The two customers, in id order.' })
  customerIds!: string[];

  @Field(() => Float, {
    description: 'The posterior probability (0 to 1) that both are one person (Fellegi–Sunter).',
  })
  confidence!: number;

  @Field(() => Float, { description: 'The total match weight (log2 odds) behind the confidence.' })
  matchWeight!: number;

  @Field(() => [String], {
    description: 'Which shared keys made them a candidate pair: email, phone, name, device.',
  })
  blockingKeys!: string[];

  @Field(() => [MatchEvidence], { description: 'Per compared field: agreement level and weight.' })
  evidence!: MatchEvidence[];

  @Field(() => Date, { description: 'When this pair was first suggested.' })
  createdAt!: Date;
}

@ObjectType()
export class DuplicateSuggestionEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => DuplicateSuggestion)
  node!: DuplicateSuggestion;
}

@ObjectType({ description: 'Open duplicate suggestions, most confident first.' })
export class DuplicateSuggestionConnection {
  @Field(() => [DuplicateSuggestionEdge])
  edges!: DuplicateSuggestionEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ObjectType({ description: 'An accepted suggestion: the merge it made.' })
export class AcceptDuplicateSuggestionResult {
  @Field(() => ID, { description: 'The surviving customer (the older of the two).' })
  customerId!: string;

  @Field(() => CustomerMerge, {
    description: 'The merge, with the suggestion and its evidence as provenance.',
  })
  merge!: CustomerMerge;
}

@ObjectType({ description: 'What a duplicate scan found.' })
export class DuplicateScanResult {
  @Field(() => Int, { description: 'Customers read.' })
  customers!: number;

  @Field(() => Int, { description: 'Pairs sharing a blocking key that were compared.' })
  candidatePairs!: number;

  @Field(() => Int, { description: 'Open suggestions stored (confidence at least 0.5).' })
  suggestions!: number;

  @Field(() => String, {
    description: 'em when the model was fitted on this population, priors when it was too small.',
  })
  model!: string;
}
