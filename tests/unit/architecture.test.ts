import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'src');

/** What delivery may import; the server and the CLI sit above it. */
const BELOW_DELIVERY = [
  'dashboards',
  'questions',
  'reports',
  'cube',
  'query',
  'sql',
  'engine',
  'etl',
  'model',
  'errors',
  'util',
];

/** docs/architecture.md's table: which layers a layer may import (errors and util are leaves for all). */
const ALLOWED: Record<string, readonly string[]> = {
  errors: [],
  util: ['errors'],
  model: ['errors', 'util'],
  query: ['model', 'errors', 'util'],
  sql: ['model', 'errors', 'util'],
  engine: ['sql', 'errors', 'util'],
  etl: ['sql', 'engine', 'model', 'errors', 'util'],
  cube: ['query', 'sql', 'engine', 'model', 'errors', 'util'],
  publish: ['etl', 'sql', 'engine', 'model', 'errors', 'util'],
  reports: ['cube', 'query', 'sql', 'engine', 'model', 'errors', 'util'],
  questions: ['reports', 'cube', 'query', 'sql', 'engine', 'model', 'errors', 'util'],
  dashboards: ['reports', 'cube', 'query', 'sql', 'engine', 'etl', 'model', 'errors', 'util'],
  delivery: BELOW_DELIVERY,
  server: ['delivery', ...BELOW_DELIVERY],
  cli: ['server', 'delivery', 'publish', ...BELOW_DELIVERY],
};

const listed = new Map<string, string[]>();

/** The .ts files under `dir`, listed once per run (import resolution asks again and again). */
function files(dir: string): string[] {
  let found = listed.get(dir);
  if (!found) {
    found = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(dir, f));
    listed.set(dir, found);
  }
  return found;
}

function layerOf(file: string): string {
  const rel = relative(SRC, file);
  return rel.includes('/') ? rel.split('/')[0]! : rel.replace(/\.ts$/, '');
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return specs.map((m) => m[1] ?? m[2]!).filter((s) => s.startsWith('.'));
}

/** The relative imports that reach run time (`import type` and `export type` are erased). */
function valueImportsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...text.matchAll(
      /(?:import|export)(\s+type\b)?[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ];
  return specs
    .filter((m) => m[1] === undefined)
    .map((m) => m[2] ?? m[3]!)
    .filter((s) => s.startsWith('.'));
}

function resolveImport(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  const candidates = [`${base}.ts`, join(base, 'index.ts'), base];
  return candidates.find((c) => c.endsWith('.ts') && files(dirname(c)).includes(c)) ?? `${base}.ts`;
}

describe('imports point one way, as docs/architecture.md lays out', () => {
  const all = files(SRC);

  it('every layer imports only the layers below it', () => {
    const violations: string[] = [];
    for (const file of all) {
      const layer = layerOf(file);
      const allowed = ALLOWED[layer];
      if (!allowed) {
        violations.push(`${relative(SRC, file)}: layer "${layer}" is not in docs/architecture.md's table`);
        continue;
      }
      for (const spec of importsOf(file)) {
        const target = resolveImport(file, spec);
        if (!target.startsWith(SRC)) continue;
        const to = layerOf(target);
        if (to !== layer && !allowed.includes(to))
          violations.push(`${relative(SRC, file)} imports ${to} (${spec})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('no module cycle', () => {
    const graph = new Map(
      all.map((f) => [
        f,
        importsOf(f)
          .map((s) => resolveImport(f, s))
          .filter((t) => t.startsWith(SRC)),
      ]),
    );
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(SRC, p)).join(' -> '));
        return;
      }
      state.set(f, 'visiting');
      for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of all) visit(f, []);
    expect(cycles).toEqual([]);
  });
});

describe('cube queries have one front door (src/cube/front-door.ts)', () => {
  const all = files(SRC);
  const CUBE = join(SRC, 'cube');
  const FRONT_DOOR = join(CUBE, 'front-door.ts');
  /** Resolving a cube query and compiling it to SQL: the steps only the front door takes. */
  const PIPELINE = [join(SRC, 'query', 'resolve.ts'), join(SRC, 'sql', 'compile', 'query.ts')];
  /** Modules that are DuckDB's own, or re-export them (the engine and sql barrels). */
  const duckdb = (f: string) =>
    /duckdb/i.test(relative(SRC, f)) ||
    f === join(SRC, 'engine', 'index.ts') ||
    f === join(SRC, 'sql', 'index.ts');

  it('nothing above the cube layer imports the resolver or the query compiler', () => {
    const below = ['query', 'sql'].map((l) => join(SRC, l) + '/');
    const violations = all
      .filter((f) => !f.startsWith(`${CUBE}/`) && !below.some((b) => f.startsWith(b)))
      .flatMap((f) =>
        importsOf(f)
          .filter((s) => PIPELINE.includes(resolveImport(f, s)))
          .map(
            (s) => `${relative(SRC, f)} imports ${s}: go through src/cube (prepareCubeQuery, cubeSubquery)`,
          ),
      );
    expect(violations).toEqual([]);
  });

  it('inside the cube layer only the front door resolves and compiles', () => {
    const cube = all.filter((f) => f.startsWith(`${CUBE}/`));
    expect(cube).toContain(FRONT_DOOR);
    const violations = cube
      .filter((f) => f !== FRONT_DOOR)
      .filter((f) => /\b(resolveQuery|compileQuery)\b/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(violations).toEqual([]);
  });

  it('the cube layer runs no DuckDB code: it renders with the dialect of the engine it is given', () => {
    const reached = new Set<string>();
    const visit = (f: string, via: string) => {
      if (reached.has(f)) return;
      reached.add(f);
      if (duckdb(f)) offenders.push(`${relative(SRC, f)} (via ${via})`);
      for (const s of valueImportsOf(f)) {
        const t = resolveImport(f, s);
        if (t.startsWith(SRC)) visit(t, relative(SRC, f));
      }
    };
    const offenders: string[] = [];
    const cube = all.filter((f) => f.startsWith(`${CUBE}/`));
    for (const f of cube) visit(f, 'cube');
    expect(reached.size).toBeGreaterThan(cube.length);
    expect(offenders).toEqual([]);
  });
});
