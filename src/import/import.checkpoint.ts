import { readFile, rename, rm, writeFile } from 'node:fs/promises';

/** Counts of one import so far; a checkpoint carries them so a resumed run reports totals. */
export interface ImportCounts {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

/** Which input a checkpoint belongs to: a changed file must not be resumed. */
export interface SourceIdentity {
  size: number;
  mtimeMs: number;
  kind: string;
  format: string;
}

/**
 * `<file>.c360-import.json`: every row up to and including `line` has been acknowledged by the
 * gateway (or reported in the errors file).
 */
export interface Checkpoint {
  /** 2 since the per-item statuses became CREATED/UPDATED/UNCHANGED/REJECTED. */
  version: 2;
  source: SourceIdentity;
  line: number;
  counts: ImportCounts;
}

export function checkpointPath(file: string): string {
  return `${file}.c360-import.json`;
}

export function sameSource(a: SourceIdentity, b: SourceIdentity): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.kind === b.kind && a.format === b.format;
}

/** The checkpoint at `path`, or null when there is none (or it is not one of ours). */
export async function readCheckpoint(path: string): Promise<Checkpoint | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return null;
    }
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<Checkpoint>;
  // An older checkpoint is not resumed: the rows are imported again, which is idempotent.
  return parsed.version === 2 && parsed.source && typeof parsed.line === 'number'
    ? (parsed as Checkpoint)
    : null;
}

/** Replaces the checkpoint atomically, so a crash mid-write leaves the previous one. */
export async function writeCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(checkpoint)}\n`);
  await rename(`${path}.tmp`, path);
}

export async function removeCheckpoint(path: string): Promise<void> {
  await rm(path, { force: true });
}
