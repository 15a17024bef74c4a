import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../util/package-root';

/**
 * The descriptions of report parameters, read from the doc comments on the fields of the
 * reports' zod schemas (`src/reports`), which carry no `.describe()` text at run time. A field's
 * comment is taken from the schema declaration that holds the most of the report's parameters,
 * then from the shapes it spreads (`...ReportBaseShape`), then from the comment on a constant
 * the field is set to (`limit: JsonLimit`). Best effort: without the sources, no descriptions.
 */

interface Declaration {
  readonly name: string;
  /** The comment on the declaration itself. */
  readonly doc?: string;
  /** Field → its comment (or undefined) and the identifier it is set to, if it is one. */
  readonly fields: Map<string, { doc?: string; value?: string }>;
  readonly spreads: string[];
  indent?: number;
}

function files(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

const cleanDoc = (lines: readonly string[]): string =>
  lines
    .map((l) =>
      l
        .replace(/^\s*\/\*\*\s?/, '')
        .replace(/\s*\*\/\s*$/, '')
        .replace(/^\s*\*\s?/, ''),
    )
    .join(' ')
    .replaceAll('\\`', '`')
    .replace(/\s+/g, ' ')
    .trim();

function declarationsOf(text: string): Declaration[] {
  const out: Declaration[] = [];
  let current: Declaration | undefined;
  let doc: string[] | undefined;
  let pending: string | undefined;
  let inDoc = false;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (inDoc || trimmed.startsWith('/**')) {
      if (!inDoc) doc = [];
      doc!.push(line);
      inDoc = !trimmed.endsWith('*/');
      if (!inDoc) pending = cleanDoc(doc!);
      continue;
    }
    if (trimmed === '' || trimmed.startsWith('//')) continue;
    const decl = /^(?:export\s+)?const\s+(\w+)/.exec(line);
    if (!decl && !/^\s/.test(line)) current = undefined;
    else if (decl) {
      current = { name: decl[1]!, ...(pending ? { doc: pending } : {}), fields: new Map(), spreads: [] };
      out.push(current);
    } else if (current) {
      // Fields of the declaration's object: the indentation of its first field, not deeper.
      const indent = /^\s*/.exec(line)![0].length;
      const spread = /^\s+\.\.\.(\w+),?\s*$/.exec(line);
      const field = /^\s+(\w+)\??:\s*(?:([A-Za-z_$][\w$]*),?\s*$)?/.exec(line);
      if ((spread || field) && indent > 0) current.indent ??= indent;
      if (indent === current.indent) {
        if (spread) current.spreads.push(spread[1]!);
        else if (field && !current.fields.has(field[1]!)) {
          // `key: Identifier,` alone on its line: the field is that constant.
          const value = field[2] && field[2] !== 'z' ? field[2] : undefined;
          current.fields.set(field[1]!, {
            ...(pending ? { doc: pending } : {}),
            ...(value ? { value } : {}),
          });
        }
      }
    }
    pending = undefined;
  }
  return out;
}

let cache: Declaration[] | undefined;

function allDeclarations(): Declaration[] {
  cache ??= files(join(PACKAGE_ROOT, 'src', 'reports')).flatMap((f) => {
    try {
      return declarationsOf(readFileSync(f, 'utf8'));
    } catch {
      return [];
    }
  });
  return cache;
}

/** The description of each of `keys` that has one. */
export function parameterDocs(keys: readonly string[]): Map<string, string> {
  const decls = allDeclarations();
  const byName = new Map(decls.map((d) => [d.name, d]));
  const score = (d: Declaration) => keys.filter((k) => d.fields.has(k)).length;
  const best = decls.reduce<Declaration | undefined>(
    (b, d) => (score(d) > (b ? score(b) : 0) ? d : b),
    undefined,
  );
  const docs = new Map<string, string>();
  if (!best) return docs;
  const visit = (d: Declaration, seen: Set<string>) => {
    if (seen.has(d.name)) return;
    seen.add(d.name);
    for (const key of keys) {
      const f = d.fields.get(key);
      if (!f || docs.has(key)) continue;
      const doc = f.doc ?? (f.value ? byName.get(f.value)?.doc : undefined);
      if (doc) docs.set(key, doc);
    }
    for (const s of d.spreads) {
      const spread = byName.get(s);
      if (spread) visit(spread, seen);
    }
  };
  visit(best, new Set());
  return docs;
}
