// The stack a team would assemble instead of c360 (issue 13), from npm, on c360's own stores:
//
// - PostGraphile 5 (its recommended Amber preset) over the PostgreSQL database, for profiles:
//   customers, identities, consent, events, merges;
// - @neo4j/graphql over the Neo4j graph, for relationships and interactions;
// - both stitched into one endpoint with GraphQL Tools (type merging on the customer's id), served
//   over HTTP by GraphQL Yoga (parse and validation caches on) in this one Node process.
//
//   DATABASE_URL=postgres://… NEO4J_URI=bolt://… PORT=0 node bench/peers/server.mjs
//
// Prints `peer: http://127.0.0.1:<port>/graphql` once it answers. Needs Node >= 22
// (PostGraphile 5). No auth, masking, audit or limits: the peer does none of what c360 does
// around a read, which favours the peer.
/* global process, console */
import { createServer } from 'node:http';

import { stitchSchemas } from '@graphql-tools/stitch';
import { Neo4jGraphQL } from '@neo4j/graphql';
import { execute, hookArgs } from 'grafast';
import { print } from 'graphql';
import { createYoga } from 'graphql-yoga';
import neo4j from 'neo4j-driver';
import pg from 'pg';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

import { GRAPH_TYPE_DEFS } from './graph-type-defs.mjs';

const DATABASE_URL = required('DATABASE_URL');
const NEO4J_URI = required('NEO4J_URI');
/** The same pool size as c360's default (DATABASE_POOL_MAX). */
const POOL_MAX = Number(process.env['DATABASE_POOL_MAX'] ?? 10);

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is required`);
  }
  return value;
}

/**
 * PostGraphile's schema as a stitching subschema. Grafast caches an operation's plan per
 * document object: stitching builds a new document per delegation, so the executor interns
 * documents by their text, or every request would be planned afresh.
 */
async function profileSubschema() {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: POOL_MAX });
  const pgl = postgraphile({
    extends: [PostGraphileAmberPreset],
    // Without the Relay Node interface Customer has no global `id` to clash with the graph's
    // `id` (the customers.id column is `rowId` in PostGraphile 5).
    disablePlugins: ['NodePlugin'],
    pgServices: [makePgService({ pool, schemas: ['public'] })],
    grafast: { explain: false },
  });
  const { schema, resolvedPreset } = await pgl.getSchemaResult();
  // Unbounded: a bench sends a handful of shapes.
  const documents = new Map();
  const executor = async ({ document, variables }) => {
    const text = print(document);
    let interned = documents.get(text);
    if (!interned) {
      interned = document;
      documents.set(text, document);
    }
    const args = await hookArgs({
      schema,
      document: interned,
      variableValues: variables,
      resolvedPreset,
      requestContext: {},
    });
    return execute(args);
  };
  return {
    subschema: {
      schema,
      executor,
      merge: {
        Customer: {
          selectionSet: '{ id }',
          fieldName: 'customerByRowId',
          args: ({ id }) => ({ rowId: id }),
        },
      },
    },
    close: () => pgl.release().then(() => pool.end()),
  };
}

/** @neo4j/graphql's schema, executed in process (its resolvers translate to one Cypher each). */
async function graphSubschema() {
  const driver = neo4j.driver(NEO4J_URI, neo4j.auth.basic('neo4j', 'unused'));
  const schema = await new Neo4jGraphQL({ typeDefs: GRAPH_TYPE_DEFS, driver }).getSchema();
  return {
    subschema: {
      schema,
      merge: {
        Customer: {
          selectionSet: '{ rowId }',
          fieldName: 'customersByIds',
          // Batched: every Customer the plan needs from the graph in one query.
          key: ({ rowId }) => rowId,
          argsFromKeys: (ids) => ({ ids }),
        },
      },
    },
    close: () => driver.close(),
  };
}

const profiles = await profileSubschema();
const graph = await graphSubschema();
const schema = stitchSchemas({ subschemas: [profiles.subschema, graph.subschema] });
const yoga = createYoga({ schema, graphiql: false, logging: false, maskedErrors: false });
const server = createServer(yoga);
server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
  console.log(`peer: http://127.0.0.1:${server.address().port}/graphql`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close();
    void Promise.all([profiles.close(), graph.close()]).finally(() => process.exit(0));
  });
}
