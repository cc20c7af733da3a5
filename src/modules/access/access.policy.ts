import {
  defaultFieldResolver,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLSchema,
  isObjectType,
} from 'graphql';
import { Extensions } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { Scope } from './access.kinds.js';
import { type PersonalKind, PiiMasking } from './pii.masking.js';

/**
 * Field extensions read by {@link applyAccessPolicy}. Declared with the decorators below, so a
 * resolver's file says what it needs.
 */
interface AccessExtensions {
  c360Scope?: Scope;
  c360Personal?: PersonalKind;
}

/**
 * The scope an operation or field needs, replacing the default (queries and subscriptions:
 * `READ`; mutations: `WRITE`). On an object type, every field but `id` needs it wherever the
 * type is reached (through a mutation's payload too); fields of other types need no scope
 * unless they declare one.
 */
export function RequireScope(scope: Scope): MethodDecorator & PropertyDecorator & ClassDecorator {
  return Extensions({ c360Scope: scope } satisfies AccessExtensions);
}

/**
 * Marks an object type as carrying customer data: reading any field but its `id` needs the
 * `READ` scope, however the type is reached. A key with only `WRITE` gets ids and statuses
 * back from its mutations, never a profile.
 */
export function CustomerData(): ClassDecorator {
  return RequireScope(Scope.READ);
}

/**
 * Marks a field as personal data: masked (see pii.masking.ts) for keys without `READ_PII`, and
 * audited when read unmasked. The object holding the field must carry the customer's id as
 * `customerId`, or be the customer (`id`).
 */
export function PersonalData(kind: PersonalKind): MethodDecorator & PropertyDecorator {
  return Extensions({ c360Personal: kind } satisfies AccessExtensions);
}

type Resolver = GraphQLFieldResolver<unknown, GraphQLContext>;

/**
 * Puts access control around the built schema: every root field checks its scope (declared,
 * or by operation type, so fields added later are protected without edits), subscriptions
 * check at subscribe time and again for each event (a revoked key stops receiving), and
 * personal fields are masked or audited. Fields without a policy keep their resolver
 * untouched, so they cost nothing extra.
 */
export function applyAccessPolicy(
  schema: GraphQLSchema,
  masking: PiiMasking = new PiiMasking(),
): GraphQLSchema {
  const roots = new Map<GraphQLObjectType | null | undefined, Scope>([
    [schema.getQueryType(), Scope.READ],
    [schema.getMutationType(), Scope.WRITE],
    [schema.getSubscriptionType(), Scope.READ],
  ]);
  const subscriptionType = schema.getSubscriptionType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) {
      continue;
    }
    const typeScope = (type.extensions as AccessExtensions).c360Scope;
    for (const field of Object.values(type.getFields())) {
      const extensions = field.extensions as AccessExtensions;
      const scope =
        extensions.c360Scope ?? roots.get(type) ?? (field.name === 'id' ? undefined : typeScope);
      if (scope !== undefined) {
        guardScope(field, scope, type === subscriptionType);
      }
      if (extensions.c360Personal !== undefined) {
        guardPersonal(field, `${type.name}.${field.name}`, extensions.c360Personal, masking);
      }
    }
  }
  return schema;
}

function guardScope(
  field: GraphQLField<unknown, GraphQLContext>,
  scope: Scope,
  isSubscription: boolean,
): void {
  const resolve: Resolver = field.resolve ?? defaultFieldResolver;
  if (isSubscription) {
    const subscribe = field.subscribe;
    if (subscribe) {
      field.subscribe = (root, args, context, info) => {
        context.access.require(scope);
        return subscribe(root, args, context, info);
      };
    }
    field.resolve = async (root, args, context, info) => {
      await context.access.revalidate();
      context.access.require(scope);
      return resolve(root, args, context, info);
    };
    return;
  }
  field.resolve = (root, args, context, info) => {
    context.access.require(scope);
    return resolve(root, args, context, info);
  };
}

function guardPersonal(
  field: GraphQLField<unknown, GraphQLContext>,
  coordinate: string,
  kind: PersonalKind,
  masking: PiiMasking,
): void {
  const resolve: Resolver = field.resolve ?? defaultFieldResolver;
  field.resolve = (root, args, context, info) => {
    const guard = (value: unknown) => {
      const holder = root as { id?: string; customerId?: string; type?: unknown };
      if (!context.access.has(Scope.READ_PII)) {
        return masking.mask(kind, value, holder.type);
      }
      const subjectId = holder.customerId ?? holder.id;
      if (subjectId !== undefined && masking.isPersonal(kind, value, holder.type)) {
        context.access.recordPiiRead(subjectId, coordinate);
      }
      return value;
    };
    const value: unknown = resolve(root, args, context, info);
    return value instanceof Promise ? value.then(guard) : guard(value);
  };
}
