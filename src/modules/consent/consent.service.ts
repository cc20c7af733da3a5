import { ErrorCode, GatewayError } from '../../errors.js';
import type { ErasedCustomerStore } from '../privacy/erased-customer.store.js';
import type { ConsentPurpose } from './consent.kinds.js';
import type { WriteDeps } from '../module.js';
import { OutboxStore } from '../../outbox/outbox.store.js';
import { ConsentStore } from './consent.store.js';
import { ConsentChanged } from './consent.topics.js';
import type { Consent } from './consent.type.js';

/** What recording consent needs: the stores, and the relay's doorbell for the announcement. */
export interface ConsentWriteDeps extends WriteDeps {
  consents: ConsentStore;
  erasedCustomers: ErasedCustomerStore;
}

/**
 * Records a customer's answer for one purpose, and announces it (`consent.changed`) in the same
 * transaction.
 *
 * @throws GatewayError SUPPRESSED for an erased customer, NOT_FOUND for one that never was.
 */
export async function setConsent(
  deps: ConsentWriteDeps,
  customerId: string,
  purpose: ConsentPurpose,
  granted: boolean,
  source: string | null,
): Promise<Consent> {
  const stored = await deps.db.withTransaction(async (tx) => {
    const consent = await new ConsentStore(tx).set(customerId, purpose, granted, source);
    if (consent !== null) {
      await new OutboxStore(tx).add([ConsentChanged.message({ customerId, purpose, granted })]);
    }
    return consent;
  });
  if (stored !== null) {
    deps.relay.wake();
    return stored;
  }
  const extensions = { argument: 'customerId' };
  if (await deps.erasedCustomers.isErased(customerId)) {
    throw new GatewayError(ErrorCode.SUPPRESSED, `customer ${customerId} was erased`, {
      extensions,
    });
  }
  throw new GatewayError(ErrorCode.NOT_FOUND, `no customer with id ${customerId}`, {
    extensions,
  });
}
