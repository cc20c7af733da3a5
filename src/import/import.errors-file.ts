import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, open, rename, rm, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/** One line of the errors file. */
export interface RowFailure {
  line: number;
  code: string;
  message: string;
  row: unknown;
}

/** Read and write for its owner only: the report holds rows as read, personal data included. */
const PRIVATE_MODE = 0o600;

/**
 * The JSONL report of rows that were not stored, one `{line, code, message, row}` per line,
 * created with mode 0600.
 */
export class ErrorsFile {
  constructor(readonly path: string) {}

  /** Starts an empty report, readable by its owner only even where an older one was not. */
  async reset(): Promise<void> {
    const handle = await open(this.path, 'w', PRIVATE_MODE);
    try {
      // Truncating keeps an existing file's mode. Not for a device (`--errors /dev/null`).
      if ((await handle.stat()).isFile()) {
        await handle.chmod(PRIVATE_MODE);
      }
    } finally {
      await handle.close();
    }
  }

  /**
   * Keeps only failures up to `line`: a resumed import re-reads the rows after it, and would
   * otherwise report their failures twice. Streams, so a large report is never held whole.
   */
  async keepUpTo(line: number): Promise<void> {
    const kind = await fileKind(this.path);
    if (kind === 'missing') {
      await this.reset();
    }
    if (kind !== 'file') {
      // Nothing to keep; and a device (`--errors /dev/null`) is never replaced by a file.
      return;
    }
    const keptPath = `${this.path}.tmp`;
    await rm(keptPath, { force: true });
    const kept = createWriteStream(keptPath, { mode: PRIVATE_MODE });
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
      kept.destroy();
      await rm(keptPath, { force: true });
      throw error;
    }
    await new Promise<void>((resolve, reject) =>
      kept.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    await rename(keptPath, this.path);
  }

  async append(failures: readonly RowFailure[]): Promise<void> {
    if (failures.length > 0) {
      await appendFile(this.path, failures.map((f) => `${serialized(f)}\n`).join(''), {
        mode: PRIVATE_MODE,
      });
    }
  }
}

/** The failure as one JSON line; without its row if that is nested too deeply to serialise. */
function serialized(failure: RowFailure): string {
  try {
    return JSON.stringify(failure);
  } catch (error) {
    if (error instanceof RangeError) {
      return JSON.stringify({ ...failure, row: null });
    }
    throw error;
  }
}

async function fileKind(path: string): Promise<'file' | 'missing' | 'other'> {
  try {
    return (await stat(path)).isFile() ? 'file' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return 'missing';
    }
    throw error;
  }
}
