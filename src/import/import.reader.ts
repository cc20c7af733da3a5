import { pipeline, Readable } from 'node:stream';

import { parse } from 'csv-parse';

import { isRecord } from './import.fields.js';
import { type LineError, type LineOptions, readLines, type SourceLine } from './import.lines.js';

export type ImportFormat = 'jsonl' | 'csv';

/** One row of the input, with where it ends in the file. */
export interface SourceRow {
  /** 1-based line number where the row ends, as an editor shows it. */
  line: number;
  /** Bytes of the file read so far, for progress. */
  bytes: number;
  /**
   * The row: a parsed JSON object, a CSV row (header -> cell), the raw text that failed, or
   * null for a line too long to keep.
   */
  row: unknown;
  /** Why the row could not be read, if it could not. */
  error: LineError | null;
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
 * Streams the rows of `file`, never holding more than a read buffer and one line of it. Blank
 * lines are skipped; a line that is too long or not valid in the encoding, a line that is not
 * one JSON object, or a CSV row whose field count differs from the header's, comes back with
 * `error` set.
 *
 * @throws SourceError when the file cannot be read or parsed any further.
 */
export function readRows(
  file: string,
  format: ImportFormat,
  options: LineOptions,
): AsyncGenerator<SourceRow> {
  return format === 'jsonl' ? readJsonLines(file, options) : readCsvRows(file, options);
}

async function* readJsonLines(file: string, options: LineOptions): AsyncGenerator<SourceRow> {
  try {
    for await (const { line, bytes, text, error } of readLines(file, options)) {
      // A \r before the \n is part of the line break, not of the row.
      const row = text?.replace(/\r$/, '') ?? null;
      if (error || row === null) {
        yield { line, bytes, format: 'jsonl', row, error };
      } else if (row.trim() !== '') {
        yield { line, bytes, format: 'jsonl', ...parseJsonLine(row) };
      }
    }
  } catch (error) {
    throw new SourceError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
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

async function* readCsvRows(file: string, options: LineOptions): AsyncGenerator<SourceRow> {
  const feed = new CsvFeed(file, options);
  const parser = parse({
    columns: true,
    info: true,
    // A short or long row is reported on its own instead of ending the parse.
    relax_column_count: true,
    skip_empty_lines: true,
    // A row over several lines (quoted line breaks) is capped as a line is: it is most likely
    // an unclosed quote, and would otherwise be held whole however large.
    max_record_size: options.maxLineBytes,
  });
  // pipeline, not pipe: a failure to read the file must end the parse too.
  pipeline(Readable.from(feed.text()), parser, () => undefined);
  try {
    for await (const { record, info } of parser as AsyncIterable<CsvRecord>) {
      const line = feed.lineEndingAt(info.bytes);
      const unreadable = feed.takeUnreadable(line);
      const read =
        unreadable.length > 0 ? heldRow(line, unreadable, record) : parsedRow(record, info);
      yield { line, bytes: feed.bytes, format: 'csv', ...read };
    }
  } catch (error) {
    throw error instanceof SourceError
      ? error
      : new SourceError(`${file} is not valid CSV: ${(error as Error).message}`, { cause: error });
  } finally {
    parser.destroy();
  }
}

function parsedRow(
  record: Record<string, string>,
  info: CsvRecord['info'],
): Pick<SourceRow, 'row' | 'error'> {
  return {
    row: record,
    error: info.error
      ? {
          code: 'PARSE_ERROR',
          message: `the row has ${info.error.record?.length ?? '?'} fields, the header ${info.columns.length}`,
        }
      : null,
  };
}

/**
 * A row holding lines that could not be read is reported as the first of them, and without its
 * cells when one was too long to keep (they are partly stand-ins then).
 */
function heldRow(
  line: number,
  held: readonly SourceLine[],
  record: Record<string, string>,
): Pick<SourceRow, 'row' | 'error'> {
  const first = held[0]!;
  const error = first.error!;
  const alone = held.length === 1 && first.line === line;
  return {
    row: held.some((h) => h.text === null) ? null : record,
    error: {
      code: error.code,
      message: alone ? error.message : `line ${first.line} of this row: ${error.message}`,
    },
  };
}

/**
 * The file's lines as text for csv-parse, and what it takes to report its records by line. A
 * line that cannot be read goes in as a stand-in that keeps the CSV quoting in step (its text
 * with U+FFFD, or a lone `"` or `-` for a line too long to keep) and is held back, so that the
 * record containing it is reported instead of imported.
 */
class CsvFeed {
  /** Bytes of the file read so far, for progress. */
  bytes = 0;
  /** Bytes of text given to the parser so far, and where each line ends in them. */
  private fed = 0;
  private readonly ends: { line: number; fed: number }[] = [];
  private readonly unreadable: SourceLine[] = [];
  private carriageReturn = '';
  private headerRead = false;

  constructor(
    private readonly file: string,
    private readonly options: LineOptions,
  ) {}

  async *text(): AsyncGenerator<string> {
    for await (const source of readLines(this.file, this.options)) {
      const text = `${this.standIn(source)}\n`;
      this.bytes = source.bytes;
      this.fed += Buffer.byteLength(text);
      this.ends.push({ line: source.line, fed: this.fed });
      yield text;
    }
  }

  /**
   * The line that holds the end of a record the parser finished after `fedBytes` bytes. (The
   * parser's own line count takes a quoted CRLF for two lines.)
   */
  lineEndingAt(fedBytes: number): number {
    while (this.ends.length > 1 && this.ends[0]!.fed < fedBytes) {
      this.ends.shift();
    }
    return this.ends[0]?.line ?? 0;
  }

  /** The held lines up to `line`: the record ending there contains them. */
  takeUnreadable(line: number): SourceLine[] {
    const after = this.unreadable.findIndex((held) => held.line > line);
    return this.unreadable.splice(0, after === -1 ? this.unreadable.length : after);
  }

  private standIn(source: SourceLine): string {
    if (source.text !== null) {
      this.carriageReturn = source.text.endsWith('\r') ? '\r' : '';
    }
    if (source.error === null) {
      this.headerRead ||= source.text!.trim() !== '';
      return source.text!;
    }
    if (!this.headerRead) {
      throw new SourceError(
        `cannot read the header of ${this.file} (line ${source.line}): ${source.error.message}`,
      );
    }
    this.unreadable.push(source);
    return source.text ?? `${source.quotes % 2 === 1 ? '"' : '-'}${this.carriageReturn}`;
  }
}

/** What csv-parse yields with `columns` and `info` on. */
interface CsvRecord {
  record: Record<string, string>;
  info: {
    bytes: number;
    columns: unknown[];
    error?: { record?: unknown[] };
  };
}
