import type { ConsentWriteDeps } from './consent.service.js';

/** What the consent module's resolvers are built with (see consent.module.ts). */
export type ConsentDeps = ConsentWriteDeps;
