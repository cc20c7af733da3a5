/**
 * The customer–customer relationship types: the only names that ever reach a Cypher statement
 * (statements are built from this list, never from input). PARENT_OF and REFERRED are
 * directed; the others mean the same read either way.
 */
export const Relationship = {
  SPOUSE_OF: 'SPOUSE_OF',
  PARENT_OF: 'PARENT_OF',
  SIBLING_OF: 'SIBLING_OF',
  HOUSEHOLD_MEMBER: 'HOUSEHOLD_MEMBER',
  REFERRED: 'REFERRED',
} as const;
export type Relationship = (typeof Relationship)[keyof typeof Relationship];

/** How a relative stands to the customer whose `family` is asked for. */
export const FamilyRelation = {
  SPOUSE: 'SPOUSE',
  PARENT: 'PARENT',
  CHILD: 'CHILD',
  SIBLING: 'SIBLING',
} as const;
export type FamilyRelation = (typeof FamilyRelation)[keyof typeof FamilyRelation];

/** Every relationship type, in a stable order. */
export const RELATIONSHIP_TYPES: readonly Relationship[] = Object.values(Relationship);

/** The directed types: `(a)-[:PARENT_OF]->(b)` means a is b's parent. */
export const DIRECTED_RELATIONSHIPS: ReadonlySet<Relationship> = new Set([
  Relationship.PARENT_OF,
  Relationship.REFERRED,
]);
