import type { PiiMasking } from '../access/pii.masking.js';
import type { CustomerWriteDeps } from './customer.service.js';
import type { CustomerStore } from './customer.store.js';

/** What the customer module's resolvers are built with (see customer.module.ts). */
export interface CustomerDeps extends CustomerWriteDeps {
  customers: CustomerStore;
  batchMaxSize: number;
  /** Decides which searches reveal personal data (they need READ_PII). */
  masking: PiiMasking;
}
