import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { readAfter, toConnection } from '../../lib/connection.js';
import { assertPageSize, assertUuid } from '../../lib/ids.js';
import { AuditLogFilter } from './access.inputs.js';
import { RequireScope } from './access.policy.js';
import { ApiKey, AuditEntryConnection, CreatedApiKey } from './access.type.js';
import { Scope } from './access.kinds.js';
import type { Actor } from './api-key.service.js';
import type { AccessDeps } from './access.deps.js';

/** Key management and the audit log: everything here needs the `ADMIN` scope. */
@Resolver()
export class AccessResolver {
  constructor(private readonly deps: AccessDeps) {}

  @RequireScope(Scope.ADMIN)
  @Query(() => [ApiKey], {
    description: 'Every API key, revoked ones included, newest first. Needs the admin scope.',
  })
  apiKeys(): Promise<ApiKey[]> {
    return this.deps.apiKeys.list();
  }

  @RequireScope(Scope.ADMIN)
  @Mutation(() => CreatedApiKey, {
    description:
      'Creates an API key and returns its secret, once. Audited as key.created. Needs the admin scope.',
  })
  createApiKey(
    @Arg('name', () => String, { description: 'What the key is for, 1 to 100 characters.' })
    name: string,
    @Arg('scopes', () => [Scope], { description: 'What the key may do; at least one.' })
    scopes: Scope[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<CreatedApiKey> {
    return this.deps.apiKeys.create(name, scopes, actorOf(ctx));
  }

  @RequireScope(Scope.ADMIN)
  @Mutation(() => ApiKey, {
    description:
      'Revokes an API key: the next request with it is refused, on every gateway instance sharing Redis. Revoking twice keeps the first time. Audited as key.revoked. Needs the admin scope.',
  })
  revokeApiKey(
    @Arg('id', () => ID, { description: 'The key’s id (not its secret).' }) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ApiKey> {
    return this.deps.apiKeys.revoke(assertUuid(id, 'id'), actorOf(ctx));
  }

  @RequireScope(Scope.ADMIN)
  @Query(() => AuditEntryConnection, {
    description:
      'The audit log, newest first: unmasked reads of personal fields, erasures, exports and key changes. Needs the admin scope.',
  })
  async auditLog(
    @Arg('filter', () => AuditLogFilter, { nullable: true, description: 'Which entries.' })
    filter: AuditLogFilter | null,
    @Arg('first', () => Int, { description: 'Page size, 1 to 100.' })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'Continue after this cursor.' })
    after: string | null,
  ): Promise<AuditEntryConnection> {
    const rows = await this.deps.audit.list({
      action: filter?.action ?? null,
      subjectId: filter?.subjectId ? assertUuid(filter.subjectId, 'filter.subjectId') : null,
      from: filter?.from ?? null,
      to: filter?.to ?? null,
      beforeId: parseAfter(after),
      limit: assertPageSize(first) + 1,
    });
    return toConnection(rows, first, (entry) => [entry.id]);
  }
}

/** The acting key, for audit entries written by GraphQL operations. */
export function actorOf(ctx: GraphQLContext): Actor {
  return { keyId: ctx.access.viewer?.keyId ?? null, requestId: ctx.requestId, via: 'graphql' };
}

/** Audit entries page by id (a bigint, kept as text). */
function parseAfter(after: string | null | undefined): string | null {
  return readAfter(after, ([id, ...rest]) =>
    typeof id === 'string' && /^\d+$/.test(id) && rest.length === 0 ? id : null,
  );
}
