// Dependency rules of c360 (see src/README.md): checked by `npm run lint`, so CI fails on an
// import cycle or on a dependency that points the wrong way.
// entry (main, cli) -> transport (app, http, plugins) -> wiring -> modules -> outbox,
// subscriptions, datasources -> lib.
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make start-up order and refactoring fragile; type imports count too.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'modules-know-no-wiring',
      severity: 'error',
      comment: 'A module reaches the platform only through module.ts, never the composition root.',
      from: { path: '^src/modules/' },
      to: {
        path: '^src/(wiring|app|schema|backends|main|banner|shutdown)\\.ts$|^src/(http|plugins|cli|demo)/',
      },
    },
    {
      name: 'relay-knows-no-domain',
      severity: 'error',
      comment: 'The outbox knows topics and appliers; modules register with it, not the reverse.',
      from: { path: '^src/outbox/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'config-knows-no-module',
      severity: 'error',
      comment:
        "config.ts parses the environment; GraphQL types and modules stay out of it (a module's plain *.kinds.ts values may be checked against).",
      from: { path: '^src/config\\.ts$' },
      to: {
        path: '^src/modules/|^node_modules/(type-graphql|graphql)/',
        pathNot: '\\.kinds\\.ts$',
      },
    },
    {
      name: 'importer-loads-no-graphql-schema',
      severity: 'error',
      comment: 'c360 import is a client: it speaks GraphQL over HTTP and needs no schema code.',
      from: { path: '^src/import/' },
      to: { path: '^node_modules/type-graphql/|\\.(type|resolver|inputs)\\.ts$' },
    },
    {
      name: 'lower-layers-stay-down',
      severity: 'error',
      comment: 'lib, datasources and subscriptions serve the modules and never import them.',
      from: { path: '^src/(lib|datasources|subscriptions|graphql)/' },
      to: { path: '^src/(modules|outbox|http|plugins|cli|demo|import)/|^src/(wiring|app)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
