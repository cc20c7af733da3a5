import type { ErrorRequestHandler } from 'express';

import type { Logger } from '../logger.js';

/**
 * Answers what the body parser refuses (malformed JSON, a body over the limit, an unknown
 * charset) and any other error that reaches Express, as a GraphQL-shaped JSON error: never
 * Express's HTML page with a stack trace and file paths, whatever NODE_ENV says.
 */
export function jsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, message } = describe(error);
    if (status >= 500) {
      logger.error({ err: error }, 'request failed before GraphQL');
    }
    res
      .status(status)
      .type('application/json')
      .json({
        errors: [
          {
            message,
            extensions: { code: status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' },
          },
        ],
      });
  };
}

function describe(error: unknown): { status: number; message: string } {
  const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
  switch (type) {
    case 'entity.parse.failed':
      return { status: 400, message: 'the request body is not valid JSON' };
    case 'entity.too.large':
      return { status: 413, message: 'the request body is larger than the gateway accepts (1 MB)' };
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return { status: 415, message: 'the request body must be UTF-8 JSON' };
    default:
      return typeof status === 'number' && status >= 400 && status < 500
        ? { status, message: 'the request could not be read' }
        : { status: 500, message: 'Internal server error' };
  }
}
