import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { assertUuid } from '../../lib/ids.js';
import type { SegmentDeps } from './segment.deps.js';
import { DefineSegmentInput, UpdateSegmentInput } from './segment.inputs.js';
import { toSegment } from './segment.mapping.js';
import { SegmentRuleInput } from './segment-rule.inputs.js';
import { Segment, SegmentPreview, SegmentTemplate } from './segment.type.js';

@Resolver(() => Segment)
export class SegmentResolver {
  constructor(private readonly deps: SegmentDeps) {}

  @Query(() => [Segment], { description: 'Every segment, oldest first.' })
  async segments(): Promise<Segment[]> {
    return (await this.deps.segments.list()).map(toSegment);
  }

  @Query(() => Segment, { nullable: true, description: 'One segment, by id or by key.' })
  async segment(
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('key', () => String, { nullable: true }) key: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Segment | null> {
    if ((id == null) === (key == null)) {
      throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'give exactly one of id and key');
    }
    const row =
      id != null
        ? await ctx.loaders.segmentById.load(assertUuid(id, 'id').toLowerCase())
        : await this.deps.segments.byKey(key!);
    return row === null ? null : toSegment(row);
  }

  @Query(() => [SegmentTemplate], { description: 'The built-in rules for the usual triggers.' })
  segmentTemplates(): SegmentTemplate[] {
    return this.deps.service.templates();
  }

  @Query(() => SegmentPreview, {
    description:
      'How many customers a rule selects now, and a sample, without saving anything (it evaluates every customer: seconds on large data).',
  })
  previewSegment(
    @Arg('rule', () => SegmentRuleInput) rule: SegmentRuleInput,
    @Arg('sampleSize', () => Int, { defaultValue: 10 }) sampleSize: number,
  ): Promise<SegmentPreview> {
    return this.deps.service.preview(rule, sampleSize);
  }

  @Mutation(() => Segment, {
    description:
      'Defines a segment from a rule or a template. It is evaluated over every customer in the background (status BUILDING, then READY), and kept current from then on.',
  })
  async defineSegment(
    @Arg('input', () => DefineSegmentInput) input: DefineSegmentInput,
  ): Promise<Segment> {
    return toSegment(await this.deps.service.define(input));
  }

  @Mutation(() => Segment, {
    description:
      'Renames a segment or gives it a new rule (a new version, evaluated over every customer again: members who no longer match leave).',
  })
  async updateSegment(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateSegmentInput) input: UpdateSegmentInput,
  ): Promise<Segment> {
    return toSegment(await this.deps.service.update(assertUuid(id, 'id').toLowerCase(), input));
  }

  @Mutation(() => ID, {
    description:
      'Deletes a segment and its memberships (its past changes stay in the feed until retention). CONFLICT while other segments refer to it.',
  })
  async deleteSegment(@Arg('id', () => ID) id: string): Promise<string> {
    const segmentId = assertUuid(id, 'id').toLowerCase();
    await this.deps.service.delete(segmentId);
    return segmentId;
  }
}
