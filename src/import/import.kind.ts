import type { ItemStatus } from '../graphql/bulk.kinds.js';
import type { JsonRecord } from './import.fields.js';

export interface ItemOutcome {
  index: number;
  status: ItemStatus;
  error: { code: string; message: string } | null;
}

/**
 * One kind of record `c360 import` can load: how a row becomes an item of the kind's bulk
 * mutation, and the mutation itself. Mappers throw {@link RowError} for a row that cannot be
 * sent; it is reported with its line and the import goes on.
 */
export interface ImportKind {
  name: string;
  /** A mutation taking the batch as `$input` and answering per-item results. */
  document: string;
  /** Where the per-item results are in the answer's `data`. */
  field: string;
  fromJson(record: JsonRecord): unknown;
  /** A CSV row (header -> cell). */
  fromCsv(cells: Readonly<Record<string, string>>): unknown;
}

/**
 * A kind whose bulk mutation takes the batch as one list argument (`input` unless named) and
 * answers per-item `results { index status error }`, as every bulk upsert and `trackBatch`
 * do; adding one is a mapper and this call.
 */
export function bulkUpsertKind(options: {
  name: string;
  mutation: string;
  inputType: string;
  /** The mutation's list argument; `input` for the bulk upserts. */
  argument?: string;
  fromJson: (record: JsonRecord) => unknown;
  fromCsv: (cells: Readonly<Record<string, string>>) => unknown;
}): ImportKind {
  const argument = options.argument ?? 'input';
  return {
    name: options.name,
    field: options.mutation,
    document: `mutation Import($input: [${options.inputType}!]!) {
  ${options.mutation}(${argument}: $input) { results { index status error { code message } } }
}`,
    fromJson: options.fromJson,
    fromCsv: options.fromCsv,
  };
}
