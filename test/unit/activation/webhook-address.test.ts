import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';

import {
  assertWebhookUrl,
  isNonPublicAddress,
} from '../../../src/modules/activation/webhook.address.js';
import { postJson } from '../../../src/modules/activation/webhook.http.js';

describe('isNonPublicAddress', () => {
  it('flags loopback, private, link-local, mapped and reserved addresses, not public ones', () => {
    for (const address of [
      '127.0.0.1',
      '10.0.0.1',
      '172.20.1.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
    ]) {
      assert.equal(isNonPublicAddress(address), true, address);
    }
    for (const address of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111']) {
      assert.equal(isNonPublicAddress(address), false, address);
    }
  });
});

describe('assertWebhookUrl', () => {
  it('accepts http(s) URLs and normalises them', () => {
    assert.equal(assertWebhookUrl('HTTPS://Example.com/h?x=1', false), 'https://example.com/h?x=1');
    assert.equal(assertWebhookUrl('http://127.0.0.1:9/h', true), 'http://127.0.0.1:9/h');
  });

  it('refuses other schemes, credentials and, when private networks are off, internal hosts', () => {
    for (const url of ['ftp://example.com', 'file:///etc/passwd', 'https://a:b@example.com/']) {
      assert.throws(() => assertWebhookUrl(url, true), /input\.url/, url);
    }
    for (const url of ['http://localhost:1/', 'http://127.0.0.1/', 'http://[fe80::1]/']) {
      assert.throws(() => assertWebhookUrl(url, false), /public address/, url);
    }
  });
});

describe('postJson', () => {
  it('with private networks off, refuses a host name that resolves to loopback when connecting', async () => {
    let received = 0;
    const server = http.createServer((_, res) => {
      received += 1;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // `localhost` is refused when a destination is created; here it stands for any name
      // whose DNS answer has changed to an internal address since then.
      const refused = await postJson(
        `http://localhost:${port}/`,
        '{}',
        {},
        {
          timeoutMs: 2_000,
          allowPrivateNetworks: false,
        },
      );
      assert.equal(refused.ok, false);
      assert.equal(refused.status, null);
      assert.match(refused.error!, /non-public address/);

      const allowed = await postJson(
        `http://localhost:${port}/`,
        '{}',
        {},
        {
          timeoutMs: 2_000,
          allowPrivateNetworks: true,
        },
      );
      assert.equal(allowed.ok, true);
      assert.equal(received, 1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reports a receiver that does not answer in time as a timeout', async () => {
    const server = http.createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const result = await postJson(
        `http://127.0.0.1:${port}/`,
        '{}',
        {},
        {
          timeoutMs: 200,
          allowPrivateNetworks: true,
        },
      );
      assert.equal(result.ok, false);
      assert.match(result.error!, /no answer within 200 ms/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
