import { Relationship } from '../../modules/relationship/relationship.kinds.js';
import { type JsonRecord, nestCells, requiredEnumName, requiredText } from '../import.fields.js';
import { bulkUpsertKind } from '../import.kind.js';

const RELATIONSHIP_NAMES = Object.keys(Relationship);

/** Customer–customer relationships -> `linkRelationships` (idempotent). */
export const relationshipsKind = bulkUpsertKind({
  name: 'relationships',
  mutation: 'linkRelationships',
  inputType: 'LinkRelationshipInput',
  fromJson: toLinkInput,
  fromCsv: (cells) => toLinkInput(nestCells(cells, ['fromId', 'toId', 'type'], [])),
});

function toLinkInput(record: JsonRecord) {
  return {
    fromId: requiredText(record, 'fromId'),
    toId: requiredText(record, 'toId'),
    type: requiredEnumName(record, 'type', RELATIONSHIP_NAMES),
  };
}
