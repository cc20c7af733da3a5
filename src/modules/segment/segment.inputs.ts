import { Field, InputType, Int } from 'type-graphql';

import { SegmentRuleInput } from './segment-rule.inputs.js';
import { SegmentTemplateName } from './rule/templates.js';

@InputType({ description: 'A built-in rule with its parameters.' })
export class SegmentTemplateInput {
  @Field(() => SegmentTemplateName)
  name!: SegmentTemplateName;

  @Field(() => String, { nullable: true, description: 'For templates about a category.' })
  category?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'The template’s period; its default when absent.',
  })
  days?: number | null;
}

@InputType({ description: 'A new segment: a rule, or a template (set exactly one).' })
export class DefineSegmentInput {
  @Field(() => String, { description: 'A stable, unique, URL-safe name: a-z, 0-9, _ and -.' })
  key!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => SegmentRuleInput, { nullable: true })
  rule?: SegmentRuleInput | null;

  @Field(() => SegmentTemplateInput, { nullable: true })
  template?: SegmentTemplateInput | null;
}

@InputType({
  description:
    'Changes to a segment: what is absent stays. A new rule (or template) makes a new version, evaluated over every customer again.',
})
export class UpdateSegmentInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => SegmentRuleInput, { nullable: true })
  rule?: SegmentRuleInput | null;

  @Field(() => SegmentTemplateInput, { nullable: true })
  template?: SegmentTemplateInput | null;
}
