import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

// Imported as TypeScript by scripts/start-preflight.mjs before anything is built (Node strips
// the types), so this file uses only node: modules and erasable syntax.

/**
 * Adds the variables of a dotenv file (`.env` in the working directory by default) to `env`,
 * the usual convention: a variable already set in `env` wins over the file, even when empty.
 * Parsed by Node's own dotenv parser (`util.parseEnv`). A missing file is no error.
 *
 * @returns the names taken from the file.
 * @throws when the file exists but cannot be read.
 */
export function loadEnvFile(env: NodeJS.ProcessEnv, file = '.env'): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return [];
    }
    throw error;
  }
  const taken: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (env[name] === undefined) {
      env[name] = value;
      taken.push(name);
    }
  }
  return taken;
}
