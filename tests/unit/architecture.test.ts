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

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
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
