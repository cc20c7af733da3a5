// Builds dist/ from src/, test/ and bench/.
//
//   node scripts/build.mjs            a clean full build (CI, `npm test`, `npm install`): dist/ is
//                                     wiped, typed operations regenerated, everything compiled
//   node scripts/build.mjs --changed  only what changed (`npm start`, `npm run dev`): codegen is
//                                     skipped while its inputs' contents are unchanged; tsc is
//                                     skipped while no file it reads was added, removed or
//                                     touched (path, size and mtime of each), and otherwise
//                                     compiles incrementally from dist/.tsbuildinfo
//
// Both copy src/dashboard/ (the dashboard's static files, which tsc does not read) to
// dist/src/dashboard/, and bundle GraphiQL (src/graphiql/main.js with React, Monaco and Monaco's
// workers, esbuild) into dist/src/graphiql/, which --changed skips while the bundle's inputs (its
// sources and the installed packages) are unchanged.
//
// Both keep their bookkeeping (the build-info file, the stamps) inside dist/, so wiping dist/
// also forgets it and the next build is a full one: nothing can claim an output is up to date
// after the output is gone.
/* global process, URL */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = path.join(ROOT, 'dist');
const BUILD_INFO = path.join(DIST, '.tsbuildinfo');
const CODEGEN_STAMP = path.join(DIST, '.codegen-stamp');
const TSC_STAMP = path.join(DIST, '.tsc-stamp');
const CODEGEN_OUTPUT = path.join(ROOT, 'test/__generated__/graphql.ts');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const DASHBOARD_SOURCE = path.join(ROOT, 'src/dashboard');
const DASHBOARD_OUTPUT = path.join(DIST, 'src/dashboard');
const GRAPHIQL_SOURCE = path.join(ROOT, 'src/graphiql');
const GRAPHIQL_OUTPUT = path.join(DIST, 'src/graphiql');
const GRAPHIQL_STAMP = path.join(DIST, '.graphiql-stamp');
/** Monaco's workers, each bundled on its own (main.js starts them by these names). */
const GRAPHIQL_WORKERS = {
  'editor.worker': 'node_modules/monaco-editor/esm/vs/editor/editor.worker.js',
  'json.worker': 'node_modules/monaco-editor/esm/vs/language/json/json.worker.js',
  'graphql.worker': 'node_modules/monaco-graphql/esm/graphql.worker.js',
};

const changedOnly = process.argv.includes('--changed');

/** What codegen reads (codegen.yml): the committed SDL and the test operations. */
function codegenInputsHash() {
  const hash = createHash('sha256');
  const files = [
    'codegen.yml',
    'schema/schema.graphql',
    ...readdirSync(path.join(ROOT, 'test/operations'), { recursive: true })
      .filter((file) => file.endsWith('.graphql'))
      .map((file) => path.join('test/operations', file))
      .sort(),
  ];
  for (const file of files) {
    hash
      .update(`${file}\0`)
      .update(readFileSync(path.join(ROOT, file)))
      .update('\0');
  }
  return hash.digest('hex');
}

/**
 * What tsc reads, as path, size and mtime of each file: the tsconfig's folders, the config
 * itself and the installed packages (npm rewrites node_modules/.package-lock.json on install).
 */
function tscInputsSignature() {
  const hash = createHash('sha256');
  const files = [
    'tsconfig.json',
    'package.json',
    'node_modules/.package-lock.json',
    ...['src', 'test', 'bench'].flatMap((dir) =>
      readdirSync(path.join(ROOT, dir), { recursive: true }).map((file) => path.join(dir, file)),
    ),
  ].sort();
  for (const file of files) {
    const stat = statSync(path.join(ROOT, file), { throwIfNoEntry: false });
    hash.update(`${file}\0${stat?.size ?? -1}\0${stat?.mtimeMs ?? -1}\n`);
  }
  return hash.digest('hex');
}

/** What the GraphiQL bundle is made of: its sources and the installed packages' versions. */
function graphiqlInputsHash() {
  const hash = createHash('sha256');
  const files = [
    'scripts/build.mjs',
    'node_modules/.package-lock.json',
    ...readdirSync(GRAPHIQL_SOURCE)
      .map((file) => path.join('src/graphiql', file))
      .sort(),
  ];
  for (const file of files) {
    hash
      .update(`${file}\0`)
      .update(readFileSync(path.join(ROOT, file)))
      .update('\0');
  }
  return hash.digest('hex');
}

/**
 * One ES-module bundle for the page (its CSS beside it) and one per Monaco worker, minified,
 * with React in its production build. Fonts the styles use are inlined by GraphiQL already;
 * any other font or image becomes a file of its own, served from the same folder.
 */
async function bundleGraphiql() {
  // Loaded only when a bundle is due, so `npm start`'s no-op rebuild stays fast.
  const { build } = await import('esbuild');
  rmSync(GRAPHIQL_OUTPUT, { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: {
      graphiql: 'src/graphiql/main.js',
      ...GRAPHIQL_WORKERS,
    },
    bundle: true,
    format: 'esm',
    target: ['es2022'],
    minify: true,
    legalComments: 'linked',
    outdir: GRAPHIQL_OUTPUT,
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
    assetNames: '[name]-[hash]',
    logLevel: 'warning',
  });
}

const readStamp = (file) => (existsSync(file) ? readFileSync(file, 'utf8') : null);

function run(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    process.exit(result.status ?? 1);
  }
}

if (!changedOnly) {
  rmSync(DIST, { recursive: true, force: true });
}
mkdirSync(DIST, { recursive: true });
// The dashboard's static files sit beside the compiled code, which serves them from there (a
// cheap copy, always made afresh so a file deleted from src/ is gone from dist/ too).
rmSync(DASHBOARD_OUTPUT, { recursive: true, force: true });
cpSync(DASHBOARD_SOURCE, DASHBOARD_OUTPUT, { recursive: true });
const graphiqlInputs = graphiqlInputsHash();
if (
  !changedOnly ||
  !existsSync(path.join(GRAPHIQL_OUTPUT, 'graphiql.js')) ||
  readStamp(GRAPHIQL_STAMP) !== graphiqlInputs
) {
  await bundleGraphiql();
}
writeFileSync(GRAPHIQL_STAMP, graphiqlInputs);
const inputs = codegenInputsHash();
if (!changedOnly || !existsSync(CODEGEN_OUTPUT) || readStamp(CODEGEN_STAMP) !== inputs) {
  run('npm', ['run', 'codegen', '--silent']);
}
writeFileSync(CODEGEN_STAMP, inputs);
// After codegen, whose output tsc reads.
const signature = tscInputsSignature();
if (changedOnly && readStamp(TSC_STAMP) === signature) {
  process.exit(0);
}
run(process.execPath, [
  TSC,
  '-p',
  'tsconfig.json',
  '--incremental',
  '--tsBuildInfoFile',
  BUILD_INFO,
]);
writeFileSync(TSC_STAMP, signature);
