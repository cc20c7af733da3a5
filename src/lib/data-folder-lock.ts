import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// Imported as TypeScript by scripts/start-preflight.mjs before anything is built (Node strips
// the types), so this file uses only node: modules and erasable syntax.

/** The file, inside the data folder, that names the process holding it. */
export const LOCK_FILE = 'c360.lock';

/** What the lock file records about its holder. */
export interface LockHolder {
  pid: number;
  /** What the holder runs, for the refusal message (`gateway`, `c360 migrate`, ...). */
  command: string;
  startedAt: string;
}

/** Another live process holds the data folder; the message names it and says what to do. */
export class DataFolderLockedError extends Error {
  override name = 'DataFolderLockedError';
  readonly holder: LockHolder;

  constructor(dataDir: string, holder: LockHolder) {
    super(
      [
        `another c360 is using the data folder ${dataDir}: ${holder.command} (pid ${holder.pid}, since ${holder.startedAt}).`,
        'Stop it first (Ctrl-C in its terminal, or `kill ' +
          holder.pid +
          '`), or give this one another C360_DATA_DIR.',
        `If no c360 runs as pid ${holder.pid}, delete ${path.join(dataDir, LOCK_FILE)}.`,
      ].join('\n'),
    );
    this.holder = holder;
  }
}

/** A held lock; `release()` is idempotent and also runs when the process exits. */
export interface DataFolderLock {
  readonly file: string;
  release(): void;
}

/**
 * The live process holding `dataDir`, or `null` when the folder is free: no lock file, an
 * unreadable one, or one whose process is gone (a crash or SIGKILL leaves such a stale file).
 * This process never counts as a holder, so a container restarted with the same pid starts.
 */
export function dataFolderHolder(dataDir: string): LockHolder | null {
  const holder = readHolder(path.join(dataDir, LOCK_FILE));
  return holder !== null && holder.pid !== process.pid && isAlive(holder.pid) ? holder : null;
}

/**
 * Throws {@link DataFolderLockedError} when another live process holds `dataDir`; takes
 * nothing. For checks that must come before slow work (the build that `npm start` runs).
 */
export function assertDataFolderFree(dataDir: string): void {
  const holder = dataFolderHolder(dataDir);
  if (holder !== null) {
    throw new DataFolderLockedError(dataDir, holder);
  }
}

/**
 * Takes the lock on `dataDir` (created if missing) for this process, writing its pid. A stale
 * lock (dead pid) is taken over. The lock is released by `release()` or when the process exits
 * normally; after a crash the next taker finds a dead pid and takes over.
 *
 * @throws DataFolderLockedError when another live process holds it.
 */
export function lockDataFolder(dataDir: string, command: string): DataFolderLock {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const mine: LockHolder = { pid: process.pid, command, startedAt: new Date().toISOString() };
  // Two attempts: the second follows the removal of a stale lock. If another taker wins the
  // race in between, the exclusive create fails again and its holder is reported.
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, `${JSON.stringify(mine)}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
      const holder = dataFolderHolder(dataDir);
      if (holder !== null || attempt > 0) {
        throw new DataFolderLockedError(
          dataDir,
          holder ?? readHolder(file) ?? { pid: 0, command: 'unknown', startedAt: 'unknown' },
        );
      }
      unlinkSync(file);
    }
  }
  let released = false;
  const release = () => {
    if (released) {
      return;
    }
    released = true;
    process.removeListener('exit', release);
    // Only our own lock: never remove one a later holder took over.
    if (readHolder(file)?.pid === process.pid) {
      try {
        unlinkSync(file);
      } catch {
        // Already gone: nothing to release.
      }
    }
  };
  process.once('exit', release);
  return { file, release };
}

function readHolder(file: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' && Number.isInteger(parsed.pid) && parsed.pid > 0
      ? {
          pid: parsed.pid,
          command: String(parsed.command ?? 'c360'),
          startedAt: String(parsed.startedAt ?? 'unknown'),
        }
      : null;
  } catch {
    return null;
  }
}

/** Signal 0 checks existence only; EPERM means it exists under another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
