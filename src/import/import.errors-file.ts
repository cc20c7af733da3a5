import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, rename, rm, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/** One line of the errors file. */
export interface RowFailure {
  line: number;
  code: string;
  message: string;
  row: unknown;
}

/** The JSONL report of rows that were not stored, one `{line, code, message, row}` per line. */
export class ErrorsFile {
  constructor(readonly path: string) {}

  /** Starts an empty report. */
  async reset(): Promise<void> {
    await writeFile(this.path, '');
  }

  /**
   * Keeps only failures up to `line`: a resumed import re-reads the rows after it, and would
   * otherwise report their failures twice. Streams, so a large report is never held whole.
   */
  async keepUpTo(line: number): Promise<void> {
    const keptPath = `${this.path}.tmp`;
    const kept = createWriteStream(keptPath);
    try {
      const lines = createInterface({ input: createReadStream(this.path), crlfDelay: Infinity });
      for await (const text of lines) {
        if (text.trim() !== '' && (JSON.parse(text) as RowFailure).line <= line) {
          if (!kept.write(`${text}\n`)) {
            await once(kept, 'drain');
          }
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        kept.destroy();
        await rm(keptPath, { force: true });
        throw error;
      }
    }
    await new Promise<void>((resolve, reject) =>
      kept.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    await rename(keptPath, this.path);
  }

  async append(failures: readonly RowFailure[]): Promise<void> {
    if (failures.length > 0) {
      await appendFile(this.path, failures.map((f) => `${JSON.stringify(f)}\n`).join(''));
    }
  }
}
