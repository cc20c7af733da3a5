import { createReadStream } from 'node:fs';

/** What `--encoding` accepts. */
export const TEXT_ENCODINGS = ['utf-8', 'latin1'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

/**
 * The longest line read by default (`--max-line-bytes`): 1 MiB, which is also the gateway's
 * request body limit, so a longer row could never be sent anyway.
 */
export const DEFAULT_MAX_LINE_BYTES = 1_048_576;

export interface LineOptions {
  /** The most bytes a line may have, its line break not counted. */
  maxLineBytes: number;
  /** `latin1` is read as browsers do, as Windows-1252 (0x80 is €). */
  encoding: TextEncoding;
}

/** Why a line could not be read; it is reported by line, and the import goes on. */
export interface LineError {
  code: 'PARSE_ERROR' | 'LINE_TOO_LONG';
  message: string;
}

/** One line of a file, without its `\n` (a `\r` before it is kept). */
export interface SourceLine {
  /** 1-based, as an editor counts. */
  line: number;
  /** Bytes of the file up to the end of this line, its line break included. */
  bytes: number;
  /**
   * The text. For a line that is not valid in the encoding, decoded with U+FFFD in place of
   * what could not be; null for a line too long to keep.
   */
  text: string | null;
  error: LineError | null;
  /** For a line too long to keep: how many `"` it held, so CSV quoting stays in step. */
  quotes: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const QUOTE = 0x22;

/**
 * Streams the lines of `file`, holding at most `maxLineBytes` of any line: the rest of a longer
 * one is counted and dropped, so a line of any length costs no memory. Lines are decoded one by
 * one (a `\n` byte never occurs inside a UTF-8 or Latin-1 character), so one line that is not
 * valid in the encoding is reported alone.
 *
 * @throws the file system's error when the file cannot be read.
 */
export async function* readLines(file: string, options: LineOptions): AsyncGenerator<SourceLine> {
  const toLine = lineMaker(options);
  const collector = new LineCollector(options.maxLineBytes);
  let bytes = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      collector.add(chunk.subarray(start, end));
      bytes += end - start + 1;
      yield toLine(bytes, collector.take());
      start = end + 1;
    }
    collector.add(chunk.subarray(start));
    bytes += chunk.length - start;
  }
  if (!collector.isEmpty) {
    yield toLine(bytes, collector.take());
  }
}

type Collected = { content: Buffer } | { length: number; quotes: number };

/** Turns collected bytes into numbered, decoded lines. */
function lineMaker(options: LineOptions): (bytes: number, collected: Collected) => SourceLine {
  const decode = decoder(options.encoding);
  let line = 0;
  return (bytes, collected) => {
    line += 1;
    if ('content' in collected) {
      return { line, bytes, ...decode(collected.content), quotes: 0 };
    }
    const message = `the line has ${collected.length} bytes, more than the ${options.maxLineBytes} bytes a line may have (--max-line-bytes)`;
    return {
      line,
      bytes,
      text: null,
      error: { code: 'LINE_TOO_LONG', message },
      quotes: collected.quotes,
    };
  };
}

function decoder(encoding: TextEncoding): (content: Buffer) => Pick<SourceLine, 'text' | 'error'> {
  const strict = new TextDecoder(encoding, { fatal: true });
  const lenient = new TextDecoder(encoding);
  return (content) => {
    try {
      return { text: strict.decode(content), error: null };
    } catch (error) {
      if (!(error instanceof TypeError)) {
        throw error;
      }
      const message =
        'the line is not valid UTF-8 (for a Latin-1 or Windows-1252 file, pass --encoding latin1)';
      return { text: lenient.decode(content), error: { code: 'PARSE_ERROR', message } };
    }
  };
}

/**
 * The bytes of one line, kept only while there are at most `max` of them (one more for a `\r`
 * before the `\n`); past that, only their number and quotes are counted.
 */
class LineCollector {
  private parts: Buffer[] = [];
  private length = 0;
  private quotes = 0;

  constructor(private readonly max: number) {}

  get isEmpty(): boolean {
    return this.length === 0;
  }

  add(piece: Buffer): void {
    this.length += piece.length;
    if (this.length <= this.max + 1) {
      this.parts.push(piece);
      return;
    }
    this.quotes += this.parts.reduce((n, part) => n + countQuotes(part), countQuotes(piece));
    this.parts = [];
  }

  /** The line collected, and a fresh start for the next one. */
  take(): Collected {
    const content = this.length <= this.max + 1 ? Buffer.concat(this.parts) : null;
    const collected: Collected =
      content !== null && withoutCarriageReturn(content) <= this.max
        ? { content }
        : { length: this.length, quotes: content ? countQuotes(content) : this.quotes };
    this.parts = [];
    this.length = 0;
    this.quotes = 0;
    return collected;
  }
}

function withoutCarriageReturn(content: Buffer): number {
  return content.at(-1) === CARRIAGE_RETURN ? content.length - 1 : content.length;
}

function countQuotes(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(QUOTE); at !== -1; at = bytes.indexOf(QUOTE, at + 1)) {
    count += 1;
  }
  return count;
}
