import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { print } from 'graphql';

import { startTracing, type Tracing } from '../../../src/observability/tracing.js';
import {
  CustomerRelationshipsDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

/** The chain of span names from `span` up to its trace's root. */
function ancestry(span: ReadableSpan, spans: readonly ReadableSpan[]): string[] {
  const names = [span.name];
  let parentId = span.parentSpanContext?.spanId;
  while (parentId !== undefined) {
    const parent = spans.find((s) => s.spanContext().spanId === parentId);
    if (parent === undefined) {
      break;
    }
    names.push(parent.name);
    parentId = parent.parentSpanContext?.spanId;
  }
  return names;
}

describe('OpenTelemetry traces', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let gateway: TestApp;

  before(async () => {
    // Registered before the app is built, as main.ts does when an OTLP endpoint is configured.
    tracing = startTracing({ tracing: { endpoint: null, serviceName: 'c360-test' } }, exporter)!;
    // The live path, which reaches every store; the read model's own trace is not under test.
    gateway = await createTestApp({ env: { READ_MODEL: 'off' } });
  });

  after(async () => {
    await gateway.stop();
    await tracing.shutdown();
  });

  it('follows a query from HTTP through its resolvers to PostgreSQL, Neo4j and Redis', async () => {
    const id = randomUUID();
    await execute(gateway.url, UpsertCustomerDocument, { input: { id, displayName: 'Traced' } });
    await gateway.app.catchUp(20_000);
    exporter.reset();
    const traceparent = `00-${randomUUID().replaceAll('-', '')}-${'1'.repeat(16)}-01`;
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${gateway.apiKey}`,
        traceparent,
      },
      body: JSON.stringify({
        query: print(CustomerRelationshipsDocument),
        variables: { id, depth: 1 },
      }),
    });
    assert.equal(response.status, 200);
    const traceId = traceparent.split('-')[1]!;

    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const server = spans.find((s) => s.name === 'POST /graphql');
    assert.ok(server, `an HTTP span in the caller's trace: ${spans.map((s) => s.name).join(', ')}`);
    assert.equal(server.attributes['http.response.status_code'], 200);
    const field = spans.find((s) => s.name === 'Query.customer');
    assert.deepEqual(ancestry(field!, spans).slice(1), ['POST /graphql']);
    const postgres = spans.find((s) => s.attributes['db.system.name'] === 'postgresql');
    const neo4j = spans.find((s) => s.attributes['db.system.name'] === 'neo4j');
    const redis = spans.find((s) => s.attributes['db.system.name'] === 'redis');
    assert.ok(postgres && neo4j && redis, 'a span for each store');
    assert.deepEqual(ancestry(neo4j, spans).slice(-2), ['Query.customer', 'POST /graphql']);
    assert.ok(
      spans.some(
        (s) => s.name === 'Customer.relationships' && ancestry(s, spans)[1] === 'Query.customer',
      ),
      'child fields nest under their parent field',
    );
    assert.ok(ancestry(postgres, spans).includes('POST /graphql'));
    assert.equal(ancestry(redis, spans).at(-1), 'POST /graphql');
  });
});
