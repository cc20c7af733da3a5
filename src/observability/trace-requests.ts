import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';

import { tracer } from '../lib/traced.js';

/**
 * A server span per HTTP request to `path`, continuing the caller's trace when it sends a W3C
 * `traceparent`, and active for everything the request runs (Apollo, resolvers, stores).
 * Manual instead of @opentelemetry/instrumentation-http for the same reason as
 * {@link traceResolvers}: it needs require hooks an ESM process does not pass by default.
 */
export function traceRequests(path: string): RequestHandler {
  return (req, res, next) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(
      `${req.method} ${path}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method,
          'url.path': path,
          'network.peer.address': req.socket.remoteAddress ?? '',
        },
      },
      parent,
    );
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) {
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}
