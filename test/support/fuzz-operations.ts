import {
  getNamedType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLObjectType,
} from 'graphql';

import { mulberry32 } from '../../src/lib/seeded-random.js';

/** The same seed gives the same operations. */
export const seededRandom = mulberry32;

/** Strings an attacker would try: empty, huge, control characters, look-alikes, injections. */
const NASTY_STRINGS = [
  '',
  ' ',
  'a'.repeat(5_000),
  'nul\u0000byte',
  '\ud800',
  "' OR 1=1 --",
  'MATCH (n) DETACH DELETE n',
  '%_\\',
  '<script>alert(1)</script>',
  '00000000-0000-0000-0000-000000000000',
  'not-a-uuid',
  '😀',
  'Ω≈ç√∫',
  '../../etc/passwd',
  '{"a":1}',
];

const NASTY_INTS = [0, -1, 1, 100, 101, 2 ** 31 - 1, -(2 ** 31)];

export interface FuzzOperation {
  query: string;
  variables: Record<string, unknown>;
}

/**
 * Operations generated from the schema: every root query and mutation field, called with
 * random (often hostile) arguments passed as variables, selecting its scalar fields.
 */
export function fuzzOperations(schema: GraphQLSchema, count: number, seed = 360): FuzzOperation[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const roots = [schema.getQueryType(), schema.getMutationType()].filter(
    (type): type is GraphQLObjectType => type != null,
  );
  const fields = roots.flatMap((root) =>
    Object.values(root.getFields()).map((field) => ({ root, field })),
  );
  const value = (type: GraphQLInputType, depth: number): unknown => {
    if (isNonNullType(type)) {
      return value(type.ofType, depth);
    }
    if (random() < 0.1) {
      return null;
    }
    if (isListType(type)) {
      return Array.from({ length: Math.floor(random() * 3) }, () => value(type.ofType, depth));
    }
    if (isEnumType(type)) {
      return pick(type.getValues()).name;
    }
    if (isInputObjectType(type)) {
      if (depth > 3) {
        return {};
      }
      return Object.fromEntries(
        Object.values(type.getFields())
          .filter((f) => isNonNullType(f.type) || random() < 0.5)
          .map((f) => [f.name, value(f.type, depth + 1)]),
      );
    }
    switch (isScalarType(type) ? type.name : '') {
      case 'Int':
        return pick(NASTY_INTS);
      case 'Float':
        return pick([0, -1.5, 1e308, 19.99]);
      case 'Boolean':
        return random() < 0.5;
      case 'JSONObject':
        return pick([
          {},
          { plan: 'gold' },
          { a: { b: { c: [1, 'x'] } } },
          { email: 'x@example.com' },
        ]);
      case 'DateTimeISO':
      case 'Date':
        return pick(['2026-11-29T00:00:00Z', 'yesterday', '']);
      default:
        return pick(NASTY_STRINGS);
    }
  };
  const selection = (type: GraphQLObjectType, depth: number): string => {
    const parts = Object.values(type.getFields())
      .filter((f) => f.args.every((a) => !isNonNullType(a.type)))
      .flatMap((f) => {
        const named = getNamedType(f.type);
        if (isScalarType(named) || isEnumType(named)) {
          return [f.name];
        }
        if (isObjectType(named) && depth < 2) {
          const inner = selection(named, depth + 1);
          return inner ? [`${f.name} { ${inner} }`] : [];
        }
        return [];
      });
    return parts.join(' ') || '__typename';
  };
  const operation = ({
    root,
    field,
  }: {
    root: GraphQLObjectType;
    field: GraphQLField<unknown, unknown>;
  }) => {
    const args = field.args as readonly GraphQLArgument[];
    const named = getNamedType(field.type);
    const select = isObjectType(named) ? ` { ${selection(named, 0)} }` : '';
    const definitions = args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
    const call = args.map((a) => `${a.name}: $${a.name}`).join(', ');
    const kind = root === schema.getMutationType() ? 'mutation' : 'query';
    return {
      query: `${kind} Fuzz${definitions ? `(${definitions})` : ''} { ${field.name}${call ? `(${call})` : ''}${select} }`,
      variables: Object.fromEntries(args.map((a) => [a.name, value(a.type, 0)])),
    };
  };
  return Array.from({ length: count }, () => operation(pick(fields)));
}
