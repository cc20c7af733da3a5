import { context as otelContext, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  getNamedType,
  isLeafType,
  isObjectType,
  responsePathAsArray,
} from 'graphql';

import { tracer } from '../lib/traced.js';

/**
 * Gives every root field and every field returning objects its own span, active while its
 * resolver runs, so the store calls it makes (directly or through a DataLoader batch it
 * started) are its children. Scalar fields resolved from their parent get none: a page of
 * customers would otherwise be thousands of empty spans. Wraps the schema's resolvers in
 * place; call once, and only while tracing is on.
 *
 * Manual instead of @opentelemetry/instrumentation-graphql: that one patches graphql-js
 * through require hooks, which an ESM process only passes with a loader flag.
 */
export function traceResolvers(schema: GraphQLSchema): void {
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(
      (type) => type !== null && type !== undefined,
    ),
  );
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) {
      continue;
    }
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (resolve === undefined || (!roots.has(type) && isLeafType(getNamedType(field.type)))) {
        continue;
      }
      field.resolve = tracedResolver(resolve);
    }
  }
}

/**
 * The spans of one operation's fields by response path. graphql-js resolves a child after its
 * parent's promise settled, outside the parent's active context, so a child finds its parent
 * span here (the nearest traced ancestor path), as @opentelemetry/instrumentation-graphql does.
 */
const fieldSpans = new WeakMap<object, Map<string, Span>>();

function parentContext(context: unknown, path: readonly (string | number)[]) {
  const spans = typeof context === 'object' && context !== null ? fieldSpans.get(context) : null;
  for (let end = path.length - 1; spans && end > 0; end -= 1) {
    const span = spans.get(path.slice(0, end).join('.'));
    if (span !== undefined) {
      return trace.setSpan(otelContext.active(), span);
    }
  }
  return otelContext.active();
}

function remember(context: unknown, path: string, span: Span): void {
  if (typeof context !== 'object' || context === null) {
    return;
  }
  const spans = fieldSpans.get(context) ?? new Map<string, Span>();
  fieldSpans.set(context, spans);
  spans.set(path, span);
}

function tracedResolver(
  resolve: GraphQLFieldResolver<unknown, unknown>,
): GraphQLFieldResolver<unknown, unknown> {
  return (source, args, context, info: GraphQLResolveInfo) => {
    const path = responsePathAsArray(info.path);
    const pathText = path.join('.');
    return tracer.startActiveSpan(
      `${info.parentType.name}.${info.fieldName}`,
      {
        attributes: {
          'graphql.field.name': info.fieldName,
          'graphql.field.type': String(info.returnType),
          'graphql.field.path': pathText,
        },
      },
      parentContext(context, path),
      (span) => {
        remember(context, pathText, span);
        const fail = (error: unknown) => {
          span.setStatus({ code: SpanStatusCode.ERROR });
          span.setAttribute('error.type', error instanceof Error ? error.name : 'unknown');
          span.end();
        };
        try {
          const result = resolve(source, args, context, info);
          if (result instanceof Promise) {
            return result.then(
              (value: unknown) => {
                span.end();
                return value;
              },
              (error: unknown) => {
                fail(error);
                throw error;
              },
            );
          }
          span.end();
          return result;
        } catch (error) {
          fail(error);
          throw error;
        }
      },
    );
  };
}
