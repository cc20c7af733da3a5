import { type Command, InvalidArgumentError, Option } from 'commander';

import { loadConfig } from '../config.js';
import { GatewayClient, ImportStopped } from '../import/import.client.js';
import { IMPORT_KINDS } from '../import/import.kinds.js';
import {
  DEFAULT_MAX_LINE_BYTES,
  TEXT_ENCODINGS,
  type TextEncoding,
} from '../import/import.lines.js';
import { createProgress } from '../import/import.progress.js';
import { formatFromName, type ImportFormat } from '../import/import.reader.js';
import { type ImportSummary, runImport } from '../import/import.runner.js';

interface ImportCommandOptions {
  kind: string;
  format?: ImportFormat;
  url?: string;
  apiKey?: string;
  batchSize: number;
  maxLineBytes: number;
  encoding: TextEncoding;
  errors?: string;
  resume?: boolean;
  restart?: boolean;
}

/** Registers `c360 import <file>`: a client of a running gateway's bulk mutations. */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(
      'Stream a JSONL or CSV file into a running gateway through its bulk mutations (see docs/import.md).',
    )
    .argument('<file>', 'the file to import')
    .addOption(
      new Option('--kind <kind>', 'what the rows are')
        .choices(Object.keys(IMPORT_KINDS))
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--format <format>', 'file format (default: from the extension)').choices([
        'jsonl',
        'csv',
      ]),
    )
    .option('--url <url>', 'the gateway (default: http://HOST:PORT/graphql from the environment)')
    .addOption(new Option('--api-key <key>', 'API key sent as a bearer token').env('C360_API_KEY'))
    .option('--batch-size <n>', 'rows per request', parsePositiveInteger, 500)
    .option(
      '--max-line-bytes <n>',
      'longest line read; a longer one is reported as LINE_TOO_LONG',
      parsePositiveInteger,
      DEFAULT_MAX_LINE_BYTES,
    )
    .addOption(
      new Option('--encoding <encoding>', "the file's text encoding")
        .choices(TEXT_ENCODINGS)
        .default('utf-8'),
    )
    .option('--errors <file>', 'where rejected rows are reported (default: <file>.errors.jsonl)')
    .addOption(
      new Option(
        '--resume',
        'continue after the last acknowledged row (the default when a checkpoint matches)',
      ).conflicts('restart'),
    )
    .option('--restart', 'ignore any checkpoint and import from the first row')
    .action(async (file: string, options: ImportCommandOptions) => {
      process.exitCode = await importFile(file, options);
    });
}

async function importFile(file: string, options: ImportCommandOptions): Promise<number> {
  const format = options.format ?? formatFromName(file);
  if (format === null) {
    console.error(`cannot tell the format of ${file} from its name: pass --format jsonl or csv`);
    return 2;
  }
  if (!options.apiKey) {
    console.error(
      'no API key: pass --api-key <key> or set C360_API_KEY. The key needs the WRITE scope; ' +
        'create one with `c360 keys create --name importer --scopes WRITE`, or use the ' +
        'development key that `npm start` prints (kept in .data/dev-api-key).',
    );
    return 2;
  }
  try {
    const summary = await runImport({
      file,
      kind: IMPORT_KINDS[options.kind]!,
      format,
      lines: { maxLineBytes: options.maxLineBytes, encoding: options.encoding },
      client: new GatewayClient(options.url ?? defaultUrl(), options.apiKey ?? null),
      batchSize: options.batchSize,
      errorsFile: options.errors ?? `${file}.errors.jsonl`,
      restart: options.restart === true,
      notice: (message) => console.error(message),
      progress: (totalBytes) => createProgress(process.stderr, totalBytes),
    });
    console.log(`imported ${file}: ${describe(summary)}`);
    return 0;
  } catch (error) {
    if (error instanceof ImportStopped) {
      console.error(`import stopped: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function describe({ counts, errorsFile }: ImportSummary): string {
  const tally = Object.entries(counts)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  return `${tally}; errors: ${errorsFile}`;
}

function defaultUrl(): string {
  const { host, port } = loadConfig(process.env).http;
  // A gateway listening on every interface is reached through loopback.
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}/graphql`;
}

function parsePositiveInteger(value: string): number {
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1) {
    throw new InvalidArgumentError('must be a positive whole number');
  }
  return size;
}
