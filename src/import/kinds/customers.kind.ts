import {
  identityCells,
  identityOf,
  type JsonRecord,
  nestCells,
  optionalNameList,
  optionalObject,
  optionalText,
  requiredText,
  RowError,
} from '../import.fields.js';
import { bulkUpsertKind } from '../import.kind.js';

/**
 * Customers -> `upsertCustomers`. A row must carry an `id` or an identity, so that sending it
 * twice updates one customer instead of creating two.
 */
export const customersKind = bulkUpsertKind({
  name: 'customers',
  mutation: 'upsertCustomers',
  inputType: 'UpsertCustomerInput',
  fromJson: toCustomerInput,
  fromCsv: (cells) => {
    const record = nestCells(cells, ['id', 'displayName', 'email', 'interestKeywords'], ['traits']);
    const identities = identityCells(cells);
    return toCustomerInput(identities.length > 0 ? { ...record, identities } : record);
  },
});

function toCustomerInput(record: JsonRecord) {
  const identities = record['identities'] ?? [];
  if (!Array.isArray(identities)) {
    throw new RowError('identities must be a list of { type, value }');
  }
  const input = {
    id: optionalText(record, 'id'),
    displayName: requiredText(record, 'displayName', 200),
    email: optionalText(record, 'email', 320),
    traits: optionalObject(record, 'traits'),
    interestKeywords: optionalNameList(record, 'interestKeywords'),
    identities: identities.map((identity, i) => identityOf(identity, `identities[${i}]`)),
  };
  if (input.id === null && input.identities.length === 0) {
    throw new RowError(
      'a customer needs an id or at least one identity, or a re-import would duplicate it',
    );
  }
  return input;
}
