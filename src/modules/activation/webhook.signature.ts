import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'C360-Signature';
/** The header carrying the delivery id (the same on every retry of a batch). */
export const DELIVERY_HEADER = 'C360-Delivery';
/** The header carrying the attempt number, 1 on the first. */
export const ATTEMPT_HEADER = 'C360-Delivery-Attempt';

/** A new signing secret: 32 random bytes, prefixed so a leaked one is recognisable. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * The `C360-Signature` value for `body` sent at `timestamp` (unix seconds): HMAC-SHA256 with
 * the destination's secret over `${timestamp}.${body}`. Signing the timestamp with the body
 * lets a receiver refuse replays of an old, validly signed request.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

/**
 * What a receiver does (docs/activation.md shows the same in a few lines): parses the header,
 * refuses a timestamp more than `toleranceSeconds` from `now`, and compares the HMAC in
 * constant time. Any `v1` that matches passes, so a later header may carry several.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string,
  body: string,
  toleranceSeconds = 300,
  now = Math.floor(Date.now() / 1000),
): boolean {
  const parts = header.split(',').map((part) => part.trim().split('=', 2) as [string, string?]);
  const timestamp = Number(parts.find(([name]) => name === 't')?.[1]);
  if (!Number.isInteger(timestamp) || Math.abs(now - timestamp) > toleranceSeconds) {
    return false;
  }
  const expected = Buffer.from(hmac(secret, timestamp, body), 'hex');
  return parts.some(([name, value]) => {
    if (name !== 'v1' || value === undefined) {
      return false;
    }
    const given = Buffer.from(value, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

function hmac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}
