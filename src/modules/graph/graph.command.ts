import type { Command } from 'commander';

import { migrate } from '../../datasources/migrate.js';
import { createProgressDisplay } from '../../lib/progress.js';
import { createLogger } from '../../logger.js';
import { type CliContext, CommandError, type GraphStores } from '../module.js';
import { GraphSourceStore } from './graph-source.store.js';
import { GraphProjection, type ProjectionPhase } from './graph-projection.service.js';

/** The order phases run in, for the progress bar's running total. */
const PHASES: readonly ProjectionPhase[] = [
  'wipe',
  'customers',
  'products',
  'content',
  'campaigns',
  'relationships',
  'targeting',
  'interactions',
];

/** `c360 graph rebuild` and `c360 graph backfill` (docs/graph-rebuild.md). */
export function registerGraphCommand(program: Command, cli: CliContext): void {
  const graph = program.command('graph').description('The Neo4j projection of PostgreSQL.');
  graph
    .command('rebuild')
    .description(
      'Wipe Neo4j and re-project it from PostgreSQL through the outbox appliers, with progress. Refused beside a gateway on the embedded stores; unless --force, also while other c360 sessions use a configured database or when the graph holds relationships or targetings PostgreSQL lacks (run `c360 graph backfill`).',
    )
    .option('--force', 'rebuild even beside other c360 sessions or over edges only the graph holds')
    .action(async (options: { force?: boolean }) => {
      await withGraphStores(cli, async (stores) => {
        const report = await rebuild(stores, options.force === true);
        process.stdout.write(`${JSON.stringify(report)}\n`);
      });
    });
  graph
    .command('backfill')
    .description(
      'Copy relationships and campaign targetings that exist only in Neo4j (written before PostgreSQL kept them) into PostgreSQL. Idempotent; run once before the first `c360 graph rebuild` of an older deployment.',
    )
    .option('--force', 'copy even beside other c360 sessions')
    .action(async (options: { force?: boolean }) => {
      await withGraphStores(cli, async (stores) => {
        await refuseBesideOthers(stores, 'backfilled', options.force === true);
        await migrate(stores.postgres, createLogger('warn'));
        const added = await projectionOf(stores).backfill();
        process.stdout.write(`${JSON.stringify({ added })}\n`);
      });
    });
}

async function withGraphStores(
  cli: CliContext,
  work: (stores: GraphStores) => Promise<void>,
): Promise<void> {
  const config = cli.loadConfig();
  // Progress goes to the terminal; the stores' own logs would interleave with it.
  const logger = createLogger(config.log.level === 'info' ? 'warn' : config.log.level);
  const stores = await cli.openGraphStores(config, logger);
  try {
    await work(stores);
  } finally {
    await stores.close();
  }
}

/**
 * Refuses while other c360 sessions use a configured database: their relays write the graph
 * while it is being read or rebuilt (on embedded stores the data-folder lock already refused).
 * Checked first, while this command holds a single connection: every other is someone else's.
 */
async function refuseBesideOthers(
  stores: GraphStores,
  what: 'rebuilt' | 'backfilled',
  force: boolean,
): Promise<void> {
  const others = stores.embedded ? 0 : await new GraphSourceStore(stores.postgres).otherSessions();
  if (others > 0 && !force) {
    throw new CommandError(
      `${others} other c360 session(s) use this database, and running gateways relay the outbox into the graph while it is ${what}. Stop them first, or pass --force (docs/graph-rebuild.md).`,
    );
  }
}

function projectionOf(stores: GraphStores): GraphProjection {
  return new GraphProjection({
    db: stores.postgres,
    graph: stores.graph,
    appliers: stores.appliers,
  });
}

/**
 * The checks, then wipe and projection. Writes committed while it runs queue outbox messages
 * after `outboxPosition`; a relay applies them afterwards, on top of the rebuilt graph.
 */
async function rebuild(stores: GraphStores, force: boolean) {
  const source = new GraphSourceStore(stores.postgres);
  await refuseBesideOthers(stores, 'rebuilt', force);
  await migrate(stores.postgres, createLogger('warn'));
  const projection = projectionOf(stores);
  const unbacked = await projection.findUnbacked();
  if ((unbacked.relationships > 0 || unbacked.targets > 0) && !force) {
    throw new CommandError(
      `the graph holds ${unbacked.relationships} relationship(s) and ${unbacked.targets} campaign targeting(s) that PostgreSQL lacks (written before PostgreSQL kept them); a rebuild would lose them. Run \`c360 graph backfill\` first, or pass --force to drop them.`,
    );
  }
  const outboxPosition = await source.outboxPosition();
  const plan = await projection.plan();
  const total = PHASES.reduce((sum, phase) => sum + plan[phase], 0);
  const display = createProgressDisplay(process.stderr, {
    total,
    payload: { phase: 'wipe' },
    barFormat: 'graph rebuild [{bar}] {percentage}% | {phase} | {value}/{total}',
    line: (value, payload) => `graph rebuild: ${payload.phase}, ${value} of ${total}`,
  });
  const progress = (phase: ProjectionPhase, done: number) => {
    const before = PHASES.slice(0, PHASES.indexOf(phase)).reduce((sum, p) => sum + plan[p], 0);
    display.update(before + Math.min(done, plan[phase]), { phase });
  };
  try {
    const deleted = await projection.wipe(progress);
    const projected = await projection.projectAll(progress);
    return { deleted, projected, outboxPosition, unbackedDropped: unbacked };
  } finally {
    display.stop();
  }
}
