import { defineModule } from '../module.js';
import { registerGraphCommand } from './graph.command.js';

/**
 * The Neo4j projection as a whole: `c360 graph rebuild` re-projects it from PostgreSQL
 * through the other modules' graph appliers, and `c360 graph backfill` copies into PostgreSQL
 * the edges older deployments kept only in the graph. No resolvers and no appliers of its own.
 */
export const graphModule = defineModule({
  name: 'graph',
  resolvers: [],
  commands: [registerGraphCommand],
  create: () => ({ deps: {} }),
});
