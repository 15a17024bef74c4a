// Builds the CLI: bundles src/cli/main.ts with esbuild into dist/cli/, one chunk per command's
// implementation, so that `rapport --help` loads commander and a few small modules instead of
// compiling TypeScript on every start.
//
//   node scripts/build.mjs          build now (npm run build, and npm's prepare)
//   ensureBuilt()                   build only when a source is newer than the last build (bin/rapport.js)
//
// Every output file but the entry is named by its content hash and is never rewritten with other
// bytes; each is written to a temporary name and renamed into place, and the entry
// (dist/cli/main.js: one import of the hashed entry, under a first line saying what the build was
// made of) is renamed into place last. So a `rapport` starting during a build imports either the
// old build or the new one, both complete; two builds at once each leave a complete set of files
// and the last rename wins (its first line says which sources it was built from, so a build of
// older sources that wins is rebuilt at the next start); a process still running an older build
// finds its chunks (files of older builds are removed an hour after they were last part of one).
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = join(ROOT, 'dist', 'cli');
const ENTRY = join(OUT_DIR, 'main.js');
/** The first line of dist/cli/main.js: what the build was made of, so entry and stamp change in one rename. */
const STAMP_PREFIX = '// rapport build ';
/** What the bundle is made of (plus this script): a change to any of them makes the build stale. */
const INPUTS = ['src', 'fixtures/demo/generator', 'package.json', 'tsconfig.json', 'scripts/build.mjs'];
/** Files of earlier builds are kept this long, for processes that started before a rebuild. */
const KEEP_OLD_MS = 60 * 60 * 1000;

/**
 * The newest modification time among the inputs, directories included (adding, removing or
 * renaming a file changes its directory's time).
 */
export function newestInput() {
  let newest = 0;
  const visit = (path) => {
    let st;
    try {
      st = statSync(path);
    } catch {
      return;
    }
    if (st.mtimeMs > newest) newest = st.mtimeMs;
    if (st.isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name));
    }
  };
  for (const input of INPUTS) visit(join(ROOT, input));
  return newest;
}

function readStamp() {
  try {
    const first = readFileSync(ENTRY, 'utf8').split('\n', 1)[0];
    return first.startsWith(STAMP_PREFIX) ? JSON.parse(first.slice(STAMP_PREFIX.length)) : undefined;
  } catch {
    return undefined;
  }
}

/** True when dist/cli holds a build of the current sources. */
export function isFresh() {
  const stamp = readStamp();
  return (
    stamp !== undefined &&
    stamp.newestInput === newestInput() &&
    typeof stamp.entry === 'string' &&
    existsSync(join(OUT_DIR, stamp.entry))
  );
}

/** Writes a file under a temporary name, then renames it into place (atomic on one file system). */
function writeAtomically(path, contents) {
  const tmp = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`,
  );
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

/** Builds dist/cli now. Returns the files written, relative to dist/cli. */
export async function build() {
  // Read before bundling: a source saved during the build leaves the stamp behind it, so the
  // next start builds again.
  const newest = newestInput();
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'src/cli/main.ts' },
    outdir: OUT_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  mkdirSync(OUT_DIR, { recursive: true });
  const written = [];
  let entry;
  for (const file of result.outputFiles) {
    const name = relative(OUT_DIR, file.path);
    written.push(name);
    if (/^main-[A-Z0-9]+\.js$/.test(name)) entry = name;
    writeAtomically(file.path, file.contents);
  }
  if (!entry) throw new Error('esbuild produced no main-[hash].js');
  const stamp = { newestInput: newest, entry, builtAt: new Date().toISOString() };
  writeAtomically(
    ENTRY,
    `${STAMP_PREFIX}${JSON.stringify(stamp)}\n` +
      `// Written by scripts/build.mjs: the CLI's entry, bundled from src/cli/main.ts.\nimport './${entry}';\n`,
  );
  removeOldFiles(new Set([...written, 'main.js']));
  return written;
}

function removeOldFiles(current) {
  const now = Date.now();
  for (const name of readdirSync(OUT_DIR)) {
    if (current.has(name)) continue;
    const path = join(OUT_DIR, name);
    try {
      // A temporary file of a build still running is young; one left by a killed build is not.
      if (now - statSync(path).mtimeMs > KEEP_OLD_MS) unlinkSync(path);
    } catch {
      // removed by a concurrent build
    }
  }
}

/** Builds dist/cli when it is missing or older than its sources; a few milliseconds otherwise. */
export async function ensureBuilt() {
  if (isFresh()) return false;
  await build();
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const started = performance.now();
    const files = await build();
    const ms = Math.round(performance.now() - started);
    process.stdout.write(`built ${relative(ROOT, OUT_DIR)}/ (${files.length} files) in ${ms} ms\n`);
  } catch (e) {
    process.stderr.write(`${e.message ?? e}\n`);
    process.exitCode = 1;
  }
}
