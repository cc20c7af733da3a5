import { defineModule } from '../module.js';
import { GraphProjection } from './graph-projection.service.js';
import { registerGraphCommand } from './graph.command.js';

/**
 * The Neo4j projection as a whole: `c360 graph rebuild` re-projects it from PostgreSQL
 * through the other modules' graph appliers, and `c360 graph backfill` copies into PostgreSQL
 * the edges older deployments kept only in the graph. No resolvers and no appliers of its own;
 * at start it warns when that backfill looks due.
 */
export const graphModule = defineModule({
  name: 'graph',
  resolvers: [],
  commands: [registerGraphCommand],
  create: (platform) => {
    const log = platform.logger.child({ module: 'graph' });
    const projection = new GraphProjection({
      db: platform.db,
      graph: platform.graph,
      appliers: [],
    });
    return {
      deps: {},
      start: async () => {
        // In the background: a warning is not worth holding the start for.
        void projection
          .needsBackfill()
          .then((due) => {
            if (due) {
              log.warn(
                'Neo4j holds relationships or campaign targeting that PostgreSQL does not: run `c360 graph backfill` once (docs/graph-rebuild.md)',
              );
            }
          })
          .catch((error: unknown) => log.debug({ err: error }, 'backfill check skipped'));
      },
    };
  },
});
