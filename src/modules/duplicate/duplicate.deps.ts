import type { WriteDeps } from '../module.js';

/** What the duplicate module's resolvers are built with (see duplicate.module.ts). */
export type DuplicateDeps = WriteDeps;
