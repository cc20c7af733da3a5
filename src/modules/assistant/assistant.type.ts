import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

import { JSONValue } from '../../graphql/json.scalar.js';
import { CustomerData } from '../access/access.policy.js';
import { ProductMatch } from '../recommendation/recommendation.type.js';
import { SegmentPreview } from '../segment/segment.type.js';
import { AnswerSource, CitationKind } from './assistant.kinds.js';

registerEnumType(CitationKind, {
  name: 'CitationKind',
  description:
    'What a statement rests on, and what `Citation.id` names: PROFILE (the customer id), IDENTITY (the identifier type), CONSENT (the purpose), EVENT (an event id), RELATIONSHIP (the related customer id), SEGMENT (a segment id), PREDICTION (the measure: churnRisk, pAlive, clv, rfmSegment), INTERACTION and PRODUCT (a product or content id).',
});
registerEnumType(AnswerSource, {
  name: 'AnswerSource',
  description:
    'MODEL: written by the language model from the cited facts. TEMPLATE: put together from the same facts by fixed rules, because no model is configured (GEMINI_API_KEY unset).',
});

@CustomerData()
@ObjectType({ description: 'A fact a statement rests on.' })
export class Citation {
  @Field(() => CitationKind, { description: 'What kind of fact.' })
  kind!: CitationKind;

  @Field(() => ID, { description: 'Which one (see CitationKind for what the id names).' })
  id!: string;
}

@CustomerData()
@ObjectType({ description: 'One sentence of an answer, with the facts it rests on.' })
export class AnswerStatement {
  @Field(() => String, { description: 'Plain text (markup removed, length-capped).' })
  text!: string;

  @Field(() => [Citation], { description: 'At least one; only facts the caller may read.' })
  citations!: Citation[];
}

@ObjectType({ description: 'What every generated answer holds.' })
abstract class GeneratedText {
  @Field(() => String, {
    description:
      'The statements as one text. Untrusted: plain text, markup removed, length-capped; show it as text, never as HTML.',
  })
  text!: string;

  @Field(() => [AnswerStatement], { description: 'The sentences, each with its citations.' })
  statements!: AnswerStatement[];

  @Field(() => [Citation], { description: 'Every fact cited, each once.' })
  citations!: Citation[];

  @Field(() => String, {
    description: 'Who wrote it: `gemini:<model>`, or `template:v1` without a model.',
  })
  model!: string;

  @Field(() => AnswerSource, { description: 'MODEL or TEMPLATE (see `model`).' })
  source!: AnswerSource;

  @Field(() => Date, { description: 'When it was written (a cached summary keeps its time).' })
  generatedAt!: Date;
}

@CustomerData()
@ObjectType({
  description:
    'A short account of a customer in which every statement cites its facts. Built only from what the asking key may read unmasked; cached until the data changes.',
})
export class CustomerSummary extends GeneratedText {}

@CustomerData()
@ObjectType({ description: 'A question about one customer, answered from their data.' })
export class CustomerAnswer extends GeneratedText {}

@ObjectType({ description: 'A catalogue question, answered from the products found for it.' })
export class ProductAnswer extends GeneratedText {
  @Field(() => [ProductMatch], {
    description: 'The products found (vectors and keywords), best first: all the answer may cite.',
  })
  products!: ProductMatch[];
}

@ObjectType({
  description:
    'A segment rule proposed from a description, checked and previewed, never saved: pass `rule` to `defineSegment` to keep it.',
})
export class SegmentSuggestion {
  @Field(() => JSONValue, {
    nullable: true,
    description: 'The rule as `SegmentRuleInput` JSON; null when none could be made.',
  })
  rule!: unknown;

  @Field(() => String, {
    description: 'What the rule selects, or why there is none. Untrusted text.',
  })
  explanation!: string;

  @Field(() => SegmentPreview, {
    nullable: true,
    description: 'Who the rule selects now (as `previewSegment`); null without a rule.',
  })
  preview!: SegmentPreview | null;

  @Field(() => String, { description: '`gemini:<model>`, or `template:v1` without a model.' })
  model!: string;

  @Field(() => AnswerSource, { description: 'MODEL or TEMPLATE.' })
  source!: AnswerSource;

  @Field(() => Date, { description: 'When it was proposed.' })
  generatedAt!: Date;
}
