import { stat } from 'node:fs/promises';

import {
  type Checkpoint,
  checkpointPath,
  type ImportCounts,
  readCheckpoint,
  removeCheckpoint,
  sameSource,
  type SourceIdentity,
  writeCheckpoint,
} from './import.checkpoint.js';
import { type GatewayClient, ImportStopped } from './import.client.js';
import { ErrorsFile, type RowFailure } from './import.errors-file.js';
import { type JsonRecord, RowError } from './import.fields.js';
import type { ItemStatus } from '../graphql/bulk.kinds.js';
import type { ImportKind, ItemOutcome } from './import.kind.js';
import type { LineOptions } from './import.lines.js';
import { RequestSender, type SizedInput } from './import.requests.js';
import { sendableBytes } from './import.sendable.js';
import type { ProgressReporter } from './import.progress.js';
import { type ImportFormat, readRows, SourceError, type SourceRow } from './import.reader.js';

export interface ImportOptions {
  file: string;
  kind: ImportKind;
  format: ImportFormat;
  /** How lines are read: the longest one kept, and the encoding. */
  lines: LineOptions;
  client: GatewayClient;
  batchSize: number;
  errorsFile: string;
  /** Begin again from the first row, whatever checkpoint there is. */
  restart: boolean;
  /** Says something to the operator (stderr); the summary is the caller's to print. */
  notice: (message: string) => void;
  progress: (totalBytes: number) => ProgressReporter;
}

export interface ImportSummary {
  counts: ImportCounts;
  errorsFile: string;
}

/** Batches in flight at once: the next one is read and mapped while the gateway stores one. */
const MAX_IN_FLIGHT = 2;

const COUNTED_AS: Record<ItemStatus, keyof ImportCounts> = {
  CREATED: 'created',
  UPDATED: 'updated',
  UNCHANGED: 'unchanged',
  REJECTED: 'rejected',
};

interface Batch {
  items: (SizedInput & { line: number; row: unknown })[];
  /** Rows that never reached the gateway: unreadable, or not mappable to an input. */
  failures: RowFailure[];
  rows: number;
  lastLine: number;
}

const emptyBatch = (): Batch => ({ items: [], failures: [], rows: 0, lastLine: 0 });

const zeroCounts = (): ImportCounts => ({
  read: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  rejected: 0,
});

/**
 * Imports `file` into the gateway batch by batch, streaming: at most two batches are in flight
 * and one is being read. After each batch the gateway acknowledged, in file order, its failed
 * rows go to the errors file and the checkpoint moves past its last line; a later run of the
 * same import resumes there. The checkpoint is removed once the whole file is done.
 *
 * @throws ImportStopped when a batch as a whole fails (gateway down, UNAUTHENTICATED), the file
 * cannot be parsed further, or it changed since its checkpoint; the checkpoint is kept.
 */
export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const stats = await stat(options.file);
  const source: SourceIdentity = {
    size: stats.size,
    mtimeMs: stats.mtimeMs,
    kind: options.kind.name,
    format: options.format,
  };
  const run = new ImportRun(options, source, new ErrorsFile(options.errorsFile));
  await run.start();
  const progress = options.progress(source.size);
  try {
    await run.readAll(progress);
  } catch (error) {
    throw run.stopped(error);
  } finally {
    progress.stop();
  }
  return { counts: run.counts, errorsFile: options.errorsFile };
}

/** Codes of rows reported without their content: too large to be worth a copy. */
const REPORTED_WITHOUT_ROW = new Set(['ROW_TOO_LARGE']);

class ImportRun {
  private readonly checkpointFile: string;
  private readonly sender: RequestSender;
  private readonly inFlight: { batch: Batch; answer: Promise<ItemOutcome[]> }[] = [];
  private skipThroughLine = 0;
  counts = zeroCounts();

  constructor(
    private readonly options: ImportOptions,
    private readonly source: SourceIdentity,
    private readonly errors: ErrorsFile,
  ) {
    this.checkpointFile = checkpointPath(options.file);
    this.sender = new RequestSender(options.client, options.kind);
  }

  /** Picks up a matching checkpoint, unless told to restart. */
  async start(): Promise<void> {
    const checkpoint = this.options.restart ? null : await readCheckpoint(this.checkpointFile);
    if (checkpoint === null) {
      await removeCheckpoint(this.checkpointFile);
      await this.errors.reset();
      return;
    }
    if (!sameSource(checkpoint.source, this.source)) {
      throw new ImportStopped(
        `${this.options.file} is not the file (or --kind/--format) its checkpoint ${this.checkpointFile} was written for; run with --restart to import it from the beginning`,
      );
    }
    this.options.notice(
      `resuming after line ${checkpoint.line} (checkpoint ${this.checkpointFile}); --restart imports from the beginning`,
    );
    await this.errors.keepUpTo(checkpoint.line);
    this.skipThroughLine = checkpoint.line;
    this.counts = { ...checkpoint.counts };
  }

  async readAll(progress: ProgressReporter): Promise<void> {
    let batch = emptyBatch();
    let rowsRead = 0;
    for await (const row of readRows(this.options.file, this.options.format, this.options.lines)) {
      if (row.line <= this.skipThroughLine) {
        progress.update(row.bytes, rowsRead);
        continue;
      }
      rowsRead += 1;
      progress.update(row.bytes, rowsRead);
      this.add(batch, row);
      if (batch.items.length >= this.options.batchSize) {
        await this.dispatch(batch);
        batch = emptyBatch();
      }
    }
    if (batch.rows > 0) {
      await this.dispatch(batch);
    }
    while (this.inFlight.length > 0) {
      await this.settle();
    }
    await removeCheckpoint(this.checkpointFile);
  }

  private add(batch: Batch, source: SourceRow): void {
    batch.rows += 1;
    batch.lastLine = source.line;
    if (source.error) {
      batch.failures.push({ line: source.line, ...source.error, row: source.row });
      return;
    }
    try {
      const input =
        source.format === 'jsonl'
          ? this.options.kind.fromJson(source.row as JsonRecord)
          : this.options.kind.fromCsv(source.row as Record<string, string>);
      const bytes = sendableBytes(input);
      batch.items.push({ line: source.line, row: source.row, input, bytes });
    } catch (error) {
      if (!(error instanceof RowError)) {
        throw error;
      }
      batch.failures.push({
        line: source.line,
        code: error.code,
        message: error.message,
        row: source.row,
      });
    }
  }

  private async dispatch(batch: Batch): Promise<void> {
    const answer = this.sender.send(batch.items);
    // Awaited in settle(); until then, a failure must not count as unhandled.
    answer.catch(() => undefined);
    this.inFlight.push({ batch, answer });
    while (this.inFlight.length >= MAX_IN_FLIGHT) {
      await this.settle();
    }
  }

  /** Books the oldest batch in flight once the gateway answered it, so lines advance in order. */
  private async settle(): Promise<void> {
    const { batch, answer } = this.inFlight.shift()!;
    const outcomes = await answer;
    const failures = [...batch.failures];
    const counts = { ...this.counts, read: this.counts.read + batch.rows };
    counts.rejected += batch.failures.length;
    for (const outcome of outcomes) {
      const key = COUNTED_AS[outcome.status];
      if (key === undefined) {
        throw new ImportStopped(`the gateway answered an unknown status ${String(outcome.status)}`);
      }
      counts[key] += 1;
      const item = batch.items[outcome.index];
      if (outcome.status === 'REJECTED' && item) {
        const code = outcome.error?.code ?? 'REJECTED';
        failures.push({
          line: item.line,
          code,
          message: outcome.error?.message ?? 'rejected',
          row: REPORTED_WITHOUT_ROW.has(code) ? null : item.row,
        });
      }
    }
    await this.errors.append(failures.sort((a, b) => a.line - b.line));
    this.counts = counts;
    const checkpoint: Checkpoint = {
      version: 2,
      source: this.source,
      line: batch.lastLine,
      counts,
    };
    await writeCheckpoint(this.checkpointFile, checkpoint);
  }

  /** The error to stop with: what went wrong, and what was kept. */
  stopped(error: unknown): unknown {
    if (!(error instanceof ImportStopped || error instanceof SourceError)) {
      return error;
    }
    return new ImportStopped(
      `${error.message}\n${this.counts.read} rows were processed before it stopped; run the same command again to resume from the checkpoint ${this.checkpointFile}`,
      { cause: error },
    );
  }
}
