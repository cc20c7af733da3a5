import { defineModule } from '../module.js';
import { NodeResolver } from './node.resolver.js';

/** Relay object identification: `node(id)` finds a customer, product, content or campaign. */
export const nodeModule = defineModule({
  name: 'node',
  resolvers: [NodeResolver],
  create: () => ({ deps: {} }),
});
