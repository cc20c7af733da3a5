import type { Platform } from '../module.js';

/** What the duplicate module's resolvers are built with (see duplicate.module.ts). */
export type DuplicateDeps = Pick<Platform, 'db' | 'relay'>;
