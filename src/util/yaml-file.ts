import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type Problem } from '../errors';

/** A parsed YAML file that can say where any of its values is. */
export interface YamlFile {
  readonly file: string;
  readonly data: unknown;
  /** Line and column (1-based) of the value at `path`, or of its nearest existing parent. */
  locate(path: readonly PropertyKey[]): { line: number; column: number };
}

export function readYamlFile(file: string, displayName = file): YamlFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([{ file: displayName, message: `cannot read the file: ${(e as Error).message}` }]);
  }
  return parseYamlText(text, displayName);
}

export function parseYamlText(text: string, file: string): YamlFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, message: e.message.split('\n')[0] ?? e.message };
      }),
    );
  }
  const locate = (path: readonly PropertyKey[]) => {
    let node: unknown = doc.contents;
    let found = node as Node | null;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
        if (!pair) break;
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof key === 'number') {
        node = node.items[key];
      } else break;
      if (node && typeof node === 'object' && 'range' in node) found = node as Node;
    }
    const offset = found?.range?.[0] ?? 0;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  return { file, data: doc.toJS(), locate };
}

/** Every zod issue as a problem with file, line and the dotted field path. */
export function zodProblems(
  error: z.ZodError,
  yaml: YamlFile,
  prefix: readonly PropertyKey[] = [],
): Problem[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    const { line, column } = yaml.locate(path);
    return {
      file: yaml.file,
      line,
      column,
      field: path.map(String).join('.') || undefined,
      message: issue.message,
    };
  });
}

/** Parses with zod and throws a ConfigError listing every problem. */
export function parseWith<T>(schema: z.ZodType<T>, yaml: YamlFile): T {
  const r = schema.safeParse(yaml.data);
  if (!r.success) throw new ConfigError(zodProblems(r.error, yaml));
  return r.data;
}
