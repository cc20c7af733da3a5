import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { Logger } from '../../logger.js';
import { ALL_SCOPES } from './access.type.js';
import type { ApiKeyService } from './api-key.service.js';

/** Where the development key's secret is kept, beside the embedded database it unlocks. */
export function devKeyFile(dataDir: string): string {
  return path.join(dataDir, 'dev-api-key');
}

/**
 * The development key for embedded defaults: an all-scopes key, created on the first start and
 * kept (mode 0600) in the data directory, so every restart prints the same key and a Sandbox
 * tab or script set up yesterday still works. Keeping it there adds no exposure: whoever can
 * read that directory can read the whole embedded database anyway. A key that was revoked (or
 * a file that was deleted) is replaced by a new one.
 */
export async function ensureDevKey(
  apiKeys: ApiKeyService,
  dataDir: string,
  logger: Logger,
): Promise<string> {
  const file = devKeyFile(dataDir);
  const saved = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (saved !== '') {
    const key = await apiKeys.authenticate(saved);
    if (key !== null && ALL_SCOPES.every((scope) => key.scopes.includes(scope))) {
      return saved;
    }
  }
  const { key } = await apiKeys.create('development', ALL_SCOPES, {
    keyId: null,
    requestId: null,
    via: 'startup',
  });
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  // writeFile's mode applies only when it creates the file.
  await chmod(file, 0o600);
  logger.info({ file }, 'development api key created');
  return key;
}
