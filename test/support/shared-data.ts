import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the workplace's public datasets live: C360_SHARED_DATA when set, else `../shared/data`
 * beside the repository, else the workplace's own copy (a CI clone may sit elsewhere). The
 * data is read from there and never committed; tests that need it skip when none is found.
 */
export function sharedDataFile(relative: string): string | null {
  const repository = fileURLToPath(new URL('../../../', import.meta.url));
  const roots = [
    process.env['C360_SHARED_DATA'],
    path.join(repository, '..', 'shared', 'data'),
    '/work/shared/data',
  ];
  for (const root of roots) {
    if (root && existsSync(path.join(root, relative))) {
      return path.join(root, relative);
    }
  }
  return null;
}
