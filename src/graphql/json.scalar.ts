import { GraphQLScalarType } from 'graphql';
import { GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';

/**
 * The bounds every free-form JSON input (traits, event properties, attributes, filters) must
 * keep. One profile nested 3,000 levels deep once made every page that held it answer
 * `data: null`; these stop such a value at the edge, before anything is stored.
 */
export const JSON_INPUT_LIMITS = {
  /** Nesting of objects and lists. */
  maxDepth: 16,
  /** Keys and list items, counted over the whole value. */
  maxEntries: 2_000,
  /** UTF-8 size of the value as JSON. */
  maxBytes: 64 * 1024,
} as const;

/**
 * graphql-scalars' JSONObject, with {@link JSON_INPUT_LIMITS} checked on input and NUL
 * characters refused (PostgreSQL cannot store them). Output is unchanged.
 */
export const JSONObject = new GraphQLScalarType({
  ...GraphQLJSONObject.toConfig(),
  description: `${GraphQLJSONObject.description ?? 'A JSON object.'} As input: at most ${JSON_INPUT_LIMITS.maxDepth} levels deep, ${JSON_INPUT_LIMITS.maxEntries} keys and items, ${JSON_INPUT_LIMITS.maxBytes / 1024} KiB, no NUL characters.`,
  parseValue: (value) => bounded(GraphQLJSONObject.parseValue(value)),
  parseLiteral: (ast, variables) => bounded(GraphQLJSONObject.parseLiteral(ast, variables)),
});

function bounded(value: unknown): unknown {
  let entries = 0;
  const visit = (node: unknown, depth: number): void => {
    if (depth > JSON_INPUT_LIMITS.maxDepth) {
      throw new TypeError(`JSON nested deeper than ${JSON_INPUT_LIMITS.maxDepth} levels`);
    }
    if (typeof node === 'string') {
      refuseNul(node);
      return;
    }
    if (node === null || typeof node !== 'object') {
      return;
    }
    const children = Array.isArray(node)
      ? node
      : Object.entries(node).map(([key, child]) => {
          refuseNul(key);
          return child;
        });
    entries += children.length;
    if (entries > JSON_INPUT_LIMITS.maxEntries) {
      throw new TypeError(`JSON with more than ${JSON_INPUT_LIMITS.maxEntries} keys and items`);
    }
    for (const child of children) {
      visit(child, depth + 1);
    }
  };
  visit(value, 1);
  if (Buffer.byteLength(JSON.stringify(value)) > JSON_INPUT_LIMITS.maxBytes) {
    throw new TypeError(`JSON larger than ${JSON_INPUT_LIMITS.maxBytes / 1024} KiB`);
  }
  return value;
}

function refuseNul(text: string): void {
  if (text.includes('\u0000')) {
    throw new TypeError('JSON must not contain NUL characters');
  }
}

/**
 * Any JSON value (a string, number, boolean, null, list or object), bounded like
 * {@link JSONObject}: a value to compare with, in segment conditions.
 */
export const JSONValue = new GraphQLScalarType({
  ...GraphQLJSON.toConfig(),
  name: 'JSON',
  description: `Any JSON value. As input: at most ${JSON_INPUT_LIMITS.maxDepth} levels deep, ${JSON_INPUT_LIMITS.maxEntries} keys and items, ${JSON_INPUT_LIMITS.maxBytes / 1024} KiB, no NUL characters.`,
  parseValue: (value) => bounded(GraphQLJSON.parseValue(value)),
  parseLiteral: (ast, variables) => bounded(GraphQLJSON.parseLiteral(ast, variables)),
});
