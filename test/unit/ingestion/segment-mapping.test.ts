import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  channelOf,
  displayNameOf,
  eventTypeOf,
  occurredAtOf,
  propertiesOf,
  sessionIdOf,
} from '../../../src/modules/ingestion/segment.mapping.js';
import { SegmentMessage } from '../../../src/modules/ingestion/segment.schema.js';

describe('segment.mapping', () => {
  it('maps e-commerce spec names and c360 type names, and keeps other names as custom', () => {
    assert.deepEqual(
      ['Product Viewed', 'Order Completed', 'cart_add', 'Signed Up', 'product viewed'].map(
        eventTypeOf,
      ),
      ['view', 'purchase', 'cart_add', 'custom', 'custom'],
    );
  });

  it('corrects a device clock by the gap between timestamp and sentAt', () => {
    const receivedAt = new Date('2026-01-01T12:00:00.000Z');
    const fastClock = (iso: string) => new Date(Date.parse(iso) + 3_600_000);

    assert.equal(
      occurredAtOf(
        fastClock('2026-01-01T11:59:50.000Z'),
        fastClock('2026-01-01T12:00:00.000Z'),
        receivedAt,
      ).toISOString(),
      '2026-01-01T11:59:50.000Z',
    );
    assert.equal(
      occurredAtOf(new Date('2012-12-02T00:30:08.276Z'), undefined, receivedAt).toISOString(),
      '2012-12-02T00:30:08.276Z',
    );
    assert.equal(occurredAtOf(undefined, undefined, receivedAt), receivedAt);
  });

  it('takes a storable context.channel, else the platform of a known library', () => {
    assert.equal(channelOf({ channel: 'Server' }), 'server');
    assert.equal(channelOf({ channel: 'not storable!', library: { name: 'analytics.js' } }), 'web');
    assert.equal(channelOf({ library: { name: '@segment/analytics-node' } }), 'server');
    assert.equal(channelOf({ library: { name: 'My Library 2.0' } }), 'my-library-2-0');
    assert.equal(channelOf(undefined), null);
  });

  it('copies product_id to productId, and reads the session and the name', () => {
    assert.deepEqual(propertiesOf({ product_id: 42, sku: 'S' }), {
      product_id: 42,
      productId: '42',
      sku: 'S',
    });
    assert.equal(sessionIdOf({ sessionId: 17 }, { session_id: 'ignored' }), '17');
    assert.equal(sessionIdOf(undefined, { session_id: 'x'.repeat(129) }), null);
    assert.equal(displayNameOf({ firstName: 'Ada', lastName: 'Lovelace' }), 'Ada Lovelace');
    assert.equal(displayNameOf({ name: '  ' }), null);
  });
});

describe('SegmentMessage', () => {
  it('ignores unknown fields and reads one-digit months as Segment does', () => {
    const parsed = SegmentMessage.parse({
      type: 'track',
      userId: 7,
      event: 'Song Played',
      timestamp: '2015-2-02T00:30:12.984Z',
      integrations: { All: false },
    });

    assert.equal(parsed.userId, '7');
    assert.equal(parsed.timestamp?.toISOString(), '2015-02-02T00:30:12.984Z');
    assert.equal('integrations' in parsed, false);
  });

  it('needs a user id or an anonymous id, except on alias', () => {
    assert.equal(SegmentMessage.safeParse({ type: 'identify', traits: {} }).success, false);
    assert.equal(
      SegmentMessage.safeParse({ type: 'alias', previousId: 'a', userId: 'b' }).success,
      true,
    );
  });
});
