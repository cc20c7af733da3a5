import type { ErasureDeps } from './erasure.service.js';
import type { ExportDeps } from './export.service.js';

/** What the privacy module's resolvers are built with (see privacy.module.ts). */
export interface PrivacyDeps extends ExportDeps, ErasureDeps {}
