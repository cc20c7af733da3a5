import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

import { parse } from 'csv-parse';

import { isRecord } from './import.fields.js';

export type ImportFormat = 'jsonl' | 'csv';

/** One row of the input, with where it ends in the file. */
export interface SourceRow {
  /** 1-based line number where the row ends, as an editor shows it. */
  line: number;
  /** Bytes of the file read so far, for progress. */
  bytes: number;
  /** The row: a parsed JSON object, a CSV row (header -> cell), or the raw text that failed. */
  row: unknown;
  /** Why the row could not be read, if it could not. */
  error: { code: 'PARSE_ERROR'; message: string } | null;
  format: ImportFormat;
}

/** The file itself is unreadable past some point (e.g. an unclosed CSV quote); stops the import. */
export class SourceError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SourceError';
  }
}

/** The format a file name implies, or null when it implies none. */
export function formatFromName(file: string): ImportFormat | null {
  if (/\.(jsonl|ndjson)$/i.test(file)) {
    return 'jsonl';
  }
  return /\.csv$/i.test(file) ? 'csv' : null;
}

/**
 * Streams the rows of `file`, never holding more than a read buffer of it. Blank lines are
 * skipped; a line that is not one JSON object, or a CSV row whose field count differs from the
 * header's, comes back with `error` set.
 *
 * @throws SourceError when the file cannot be read or parsed any further.
 */
export function readRows(file: string, format: ImportFormat): AsyncGenerator<SourceRow> {
  return format === 'jsonl' ? readJsonLines(file) : readCsvRows(file);
}

async function* readJsonLines(file: string): AsyncGenerator<SourceRow> {
  const stream = createReadStream(file);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  let bytes = 0;
  try {
    for await (const text of lines) {
      line += 1;
      bytes += Buffer.byteLength(text) + 1;
      if (text.trim() === '') {
        continue;
      }
      yield { line, bytes, format: 'jsonl', ...parseJsonLine(text) };
    }
  } catch (error) {
    throw new SourceError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  } finally {
    lines.close();
    stream.destroy();
  }
}

function parseJsonLine(text: string): Pick<SourceRow, 'row' | 'error'> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { row: text, error: { code: 'PARSE_ERROR', message: (error as Error).message } };
  }
  if (!isRecord(value)) {
    return {
      row: text,
      error: { code: 'PARSE_ERROR', message: 'a line must hold one JSON object' },
    };
  }
  return { row: value, error: null };
}

async function* readCsvRows(file: string): AsyncGenerator<SourceRow> {
  // relax_column_count: a short or long row is reported on its own instead of ending the parse.
  const parser = createReadStream(file).pipe(
    parse({
      columns: true,
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }),
  );
  try {
    for await (const parsed of parser as AsyncIterable<CsvRecord>) {
      const { record, info } = parsed;
      const error = info.error
        ? {
            code: 'PARSE_ERROR' as const,
            message: `the row has ${info.error.record?.length ?? '?'} fields, the header ${info.columns.length}`,
          }
        : null;
      yield { line: info.lines, bytes: info.bytes, format: 'csv', row: record, error };
    }
  } catch (error) {
    throw new SourceError(`${file} is not valid CSV: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    parser.destroy();
  }
}

/** What csv-parse yields with `columns` and `info` on. */
interface CsvRecord {
  record: Record<string, string>;
  info: {
    lines: number;
    bytes: number;
    columns: unknown[];
    error?: { record?: unknown[] };
  };
}
