import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

import type { Config } from '../config.js';

export interface Tracing {
  /** Exports the spans still buffered, then stops tracing (spans become no-ops again). */
  shutdown(): Promise<void>;
}

let active = false;

/** Whether a tracer provider is registered (resolver spans are only wrapped in then). */
export function tracingActive(): boolean {
  return active;
}

/**
 * Registers the process-wide tracer provider: OTLP over HTTP to `config.tracing.endpoint`
 * (`/v1/traces` appended, batched), or the given exporter (tests: an in-memory one, each span
 * exported as it ends). With neither, nothing is registered and every span is a no-op.
 * Also installs the AsyncLocalStorage context manager and W3C trace-context propagation, so a
 * caller's `traceparent` continues its trace.
 */
export function startTracing(
  config: Pick<Config, 'tracing'>,
  exporter?: SpanExporter,
): Tracing | null {
  const { endpoint, serviceName } = config.tracing;
  if (exporter === undefined && endpoint === null) {
    return null;
  }
  const processor =
    exporter === undefined
      ? new BatchSpanProcessor(
          new OTLPTraceExporter({ url: `${endpoint!.replace(/\/+$/, '')}/v1/traces` }),
        )
      : new SimpleSpanProcessor(exporter);
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': serviceName })),
    spanProcessors: [processor],
  });
  provider.register();
  active = true;
  return {
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      active = false;
    },
  };
}
