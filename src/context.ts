import type { Logger } from './logger.js';
import type { ChangeFeed } from './changefeed/change-feed.js';
import type { Access } from './modules/access/access.js';

/**
 * The per-request DataLoaders of every module, by name. Empty here on purpose: each module's
 * `*.loaders.ts` adds its own with a declaration-merging block, e.g.
 *
 *     declare module '../../context.js' {
 *       interface Loaders extends CustomerLoaders {}
 *     }
 *
 * so this file stays a leaf that imports no module, and the wiring folds the factories the
 * modules declare (checking at start that no two share a name).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by modules (see above)
export interface Loaders {}

/** Everything a resolver may use besides its module's own dependencies; one per operation. */
export interface GraphQLContext {
  requestId: string;
  logger: Logger;
  /**
   * Created for each operation and never shared: their cache is keyed only by id, so a
   * process-wide loader would serve stale rows and one viewer's rows to another.
   */
  loaders: Loaders;
  /** The caller's key and scopes, and the personal data this operation read unmasked. */
  access: Access;
  /** The durable change feed, for subscriptions that resume from a cursor. */
  feed: ChangeFeed;
}
