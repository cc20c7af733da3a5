import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { type BrowserContext, chromium } from 'playwright-core';

/**
 * Debian's chromium package (.ci/run installs it; C360_TEST_CHROMIUM names another build);
 * nothing is downloaded at test time.
 */
export const CHROMIUM = process.env['C360_TEST_CHROMIUM'] ?? '/usr/bin/chromium';

export interface TestBrowser {
  context: BrowserContext;
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>;
}

/**
 * A headless Chromium with a fresh profile of its own, quiet on the network: no background
 * requests, component updates, sync or QUIC, so the only traffic is what a test's pages make.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  await access(CHROMIUM, constants.X_OK).catch(() => {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (as .ci/run does)`);
  });
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'c360-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      // Playwright adds --headless itself for headless: true.
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    return {
      context,
      async close() {
        await context.close();
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
}
