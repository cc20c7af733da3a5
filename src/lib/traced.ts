import { type Attributes, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * The tracer c360's own spans come from. Without a registered provider (no
 * OTEL_EXPORTER_OTLP_ENDPOINT, see src/observability/tracing.ts) it is OpenTelemetry's no-op
 * and every span below costs next to nothing.
 */
export const tracer = trace.getTracer('c360');

/**
 * Starts a client span for one store call (a statement, a transaction, a command) under the
 * active context. `end(error?)` finishes it, marked failed when given an error; only the
 * error's class is recorded, never its message (it may quote personal input).
 */
export function storeSpan(name: string, attributes: Attributes): { end(error?: unknown): void } {
  const span: Span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes });
  return {
    end(error?: unknown) {
      if (error !== undefined) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.setAttribute('error.type', error instanceof Error ? error.name : 'unknown');
      }
      span.end();
    },
  };
}
