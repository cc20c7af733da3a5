import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

import { CustomerData, PersonalData } from '../access/access.policy.js';

export const MergeCauseKind = {
  IDENTIFY: 'identify',
  IDENTITY_CONFLICT: 'identity_conflict',
  MANUAL: 'manual',
  SUGGESTION: 'suggestion',
} as const;
export type MergeCauseKind = (typeof MergeCauseKind)[keyof typeof MergeCauseKind];

registerEnumType(MergeCauseKind, {
  name: 'MergeCause',
  description:
    'Why two customers were merged: IDENTIFY (an anonymous visitor became known), IDENTITY_CONFLICT (an upsert named identities held by another customer), MANUAL (mergeCustomers), SUGGESTION (an accepted duplicate suggestion).',
});

@CustomerData()
@ObjectType({ description: 'One side’s value of a compared field.' })
export class EvidenceValue {
  @Field(() => ID, { description: 'Whose value this is.' })
  customerId!: string;

  @PersonalData('text')
  @Field(() => String, {
    nullable: true,
    description: 'The normalised value compared; `•••` without the READ_PII scope.',
  })
  value!: string | null;
}

@CustomerData()
@ObjectType({ description: 'How far two customers agree on one field, and what that weighs.' })
export class MatchEvidence {
  @Field(() => String, {
    description: 'The field compared: name, emailLocal, phone, postcode or device.',
  })
  field!: string;

  @Field(() => String, {
    description:
      'The agreement level: exact, close, similar, different (name); exact or different; shared (device).',
  })
  level!: string;

  @Field(() => Float, {
    description:
      'The match weight log2(m/u) this level adds (Fellegi–Sunter): positive for, negative against.',
  })
  weight!: number;

  @Field(() => EvidenceValue, { description: 'The first customer’s value.' })
  left!: EvidenceValue;

  @Field(() => EvidenceValue, { description: 'The second customer’s value.' })
  right!: EvidenceValue;
}

@CustomerData()
@ObjectType({ description: 'What undoing a merge put where.' })
export class UnmergeReport {
  @Field(() => Int, { description: 'Identities moved back to the restored customer.' })
  identitiesRestored!: number;

  @Field(() => Int, { description: 'Identities the survivor gained after the merge; they stay.' })
  identitiesKeptBySurvivor!: number;

  @Field(() => Int, { description: 'Events the merge had moved, moved back.' })
  eventsRestored!: number;

  @Field(() => Int, {
    description:
      'Events stored after the merge in one of the restored customer’s sessions: they go with it.',
  })
  laterEventsToRestored!: number;

  @Field(() => Int, { description: 'Events stored after the merge that stay with the survivor.' })
  laterEventsKeptBySurvivor!: number;

  @Field(() => Int, { description: 'Consent answers the restored customer got back.' })
  consentsRestored!: number;

  @Field(() => Int, {
    description:
      'The survivor’s own consent answers put back where the merge had overwritten them.',
  })
  survivorConsentsRestored!: number;

  @Field(() => Int, {
    description: 'Relationships of the restored customer put back in the graph.',
  })
  relationshipsRestored!: number;

  @Field(() => Int, {
    description: 'Relationships the merge had moved to the survivor, taken from it again.',
  })
  relationshipsRemovedFromSurvivor!: number;

  @Field(() => Int, {
    description: 'Earlier merges into the restored customer resolving to it again.',
  })
  mergeChainsRestored!: number;
}

@CustomerData()
@ObjectType({
  description:
    'One merge with its provenance: why, on whose word, with what evidence, and whether it was undone.',
})
export class CustomerMerge {
  @Field(() => ID, { description: 'The merge id, for unmergeCustomers.' })
  id!: string;

  @Field(() => ID, { description: 'The customer merged away (it exists again once undone).' })
  mergedId!: string;

  @Field(() => ID, { description: 'The customer that survived.' })
  survivorId!: string;

  @Field(() => MergeCauseKind, { description: 'Why the merge happened.' })
  cause!: MergeCauseKind;

  @Field(() => ID, { nullable: true, description: 'The accepted duplicate suggestion, if any.' })
  suggestionId!: string | null;

  @Field(() => [MatchEvidence], {
    description: 'The per-field evidence of an accepted suggestion; empty for rule merges.',
  })
  evidence!: MatchEvidence[];

  @Field(() => ID, {
    nullable: true,
    description: 'The API key that asked; null for merges the gateway made by its own rules.',
  })
  apiKeyId!: string | null;

  @Field(() => Date, { description: 'When it was merged.' })
  mergedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it was undone, or null.' })
  undoneAt!: Date | null;

  @Field(() => ID, { nullable: true, description: 'The API key that undid it.' })
  undoneByKeyId!: string | null;

  @Field(() => UnmergeReport, { nullable: true, description: 'What the unmerge put where.' })
  undoReport!: UnmergeReport | null;
}
