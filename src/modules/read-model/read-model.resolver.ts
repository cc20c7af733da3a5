import { Query, Resolver } from 'type-graphql';

import { Scope } from '../access/access.kinds.js';
import { RequireScope } from '../access/access.policy.js';
import type { ReadModelDeps } from './read-model.deps.js';
import { ReadModelStatus } from './read-model.type.js';

@Resolver()
export class ReadModelResolver {
  constructor(private readonly deps: ReadModelDeps) {}

  @RequireScope(Scope.ADMIN)
  @Query(() => ReadModelStatus, {
    description:
      'The customer 360 read model: documents, those waiting for a rebuild, and the lag. Needs the admin scope.',
  })
  async readModelStatus(): Promise<ReadModelStatus> {
    const lag = await this.deps.store.lag();
    return {
      enabled: this.deps.enabled,
      documents: lag.documents,
      dirtyDocuments: lag.dirtyCustomers,
      lagMs: lag.oldestDirtyAgeMs,
    };
  }
}
