import { ErrorCode, GatewayError } from '../../errors.js';
import type { ErasedCustomerStore } from '../privacy/erased-customer.store.js';
import type { ConsentPurpose } from './consent.kinds.js';
import type { ConsentStore } from './consent.store.js';
import type { Consent } from './consent.type.js';

/** What recording consent needs: the consent store and the record of erased customers. */
export interface ConsentWriteDeps {
  consents: ConsentStore;
  erasedCustomers: ErasedCustomerStore;
}

/**
 * Records a customer's answer for one purpose.
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
  const stored = await deps.consents.set(customerId, purpose, granted, source);
  if (stored !== null) {
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
