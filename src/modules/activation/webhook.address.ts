import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

import { ErrorCode, GatewayError } from '../../errors.js';

/** URLs longer than this are refused: no receiver needs one, and they end up in logs. */
const MAX_URL_LENGTH = 2_000;

/**
 * Addresses that are not the public internet: loopback, private (RFC 1918, ULA), link-local
 * (cloud metadata at 169.254.169.254), carrier-grade NAT, benchmarking, multicast, reserved.
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** True for an address (v4, v6, or v4-mapped v6) outside the public internet. */
export function isNonPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) {
    return NON_PUBLIC.check(mapped[1]!, 'ipv4');
  }
  const family = isIP(address);
  return family === 0 || NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Checks a destination URL as given: http or https, no credentials, and, unless private
 * networks are allowed, no literal non-public address or `localhost`. Host names are checked
 * again when each request connects (see {@link publicOnlyLookup}), since DNS can change.
 *
 * @returns the normalised URL.
 * @throws GatewayError BAD_USER_INPUT naming `argument`.
 */
export function assertWebhookUrl(
  value: string,
  allowPrivateNetworks: boolean,
  argument = 'input.url',
): string {
  const refuse = (why: string) =>
    new GatewayError(ErrorCode.BAD_USER_INPUT, `${argument} ${why}`, {
      extensions: { argument },
    });
  if (value.length > MAX_URL_LENGTH) {
    throw refuse(`must be at most ${MAX_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refuse('is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw refuse('must be an http:// or https:// URL');
  }
  if (url.username !== '' || url.password !== '') {
    throw refuse('must not carry credentials; receivers check the signature instead');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (
    !allowPrivateNetworks &&
    (host === 'localhost' ||
      host.endsWith('.localhost') ||
      (isIP(host) !== 0 && isNonPublicAddress(host)))
  ) {
    throw refuse('must reach a public address (WEBHOOK_ALLOW_PRIVATE_NETWORKS is off)');
  }
  return url.toString();
}

/**
 * A `lookup` for node:http that refuses host names resolving to a non-public address. It runs
 * on the connection itself, so a name that resolved to a public address when the destination
 * was created and to an internal one now (DNS rebinding) is still refused.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) {
      callback(error, '', 0);
      return;
    }
    const refused = addresses.find((a) => isNonPublicAddress(a.address));
    if (refused) {
      const denied = Object.assign(
        new Error(`${hostname} resolves to a non-public address (${refused.address})`),
        { code: 'ENOTPUBLIC' },
      );
      callback(denied, '', 0);
      return;
    }
    if (options.all) {
      (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    } else {
      callback(null, addresses[0]!.address, addresses[0]!.family);
    }
  });
};
