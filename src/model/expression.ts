import { gatherCalls, MODEL_FUNCTIONS } from './expression-calls';
import type { ExprPart, ModelExpr } from './types';

const BARE_COLUMN = /^[a-z_][a-z0-9_]*$/;
const REFERENCE = /\{([^{}]*)\}/g;
const REF_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/;
const TABLE_REF = /^TABLE\s+([a-z][a-z0-9_]*)$/;
const FUNCTION_REF = /^fn:([a-z_]+)$/;

export interface ExprParseIssue {
  readonly message: string;
}

/**
 * Parses a model SQL expression. A bare identifier (`revenue`) is a column of the cube's own
 * table; otherwise the text is SQL in which `{CUBE}` is the cube's alias, `{name}` another
 * member of the same cube (or a cube, in join conditions), `{cube.name}` a member of another
 * cube, `{NOW}` the query's clock, `{TABLE cube}` a cube's rows (under its access rules),
 * `{fn:name}(…)` a portable function (MODEL_FUNCTIONS). Which
 * `{name}` is meant is settled when the model is built.
 */
export function parseExpression(source: string, cube: string): { expr: ModelExpr; issues: ExprParseIssue[] } {
  const issues: ExprParseIssue[] = [];
  const trimmed = source.trim();
  if (BARE_COLUMN.test(trimmed))
    return { expr: { source, parts: [{ kind: 'column', name: trimmed }] }, issues };
  const parts: ExprPart[] = [];
  let last = 0;
  for (const m of trimmed.matchAll(REFERENCE)) {
    if (m.index > last) parts.push({ kind: 'text', text: trimmed.slice(last, m.index) });
    last = m.index + m[0].length;
    const ref = m[1]!.trim();
    if (ref === 'CUBE') {
      parts.push({ kind: 'self' });
    } else if (ref === 'NOW') {
      parts.push({ kind: 'now' });
    } else if (FUNCTION_REF.test(ref)) {
      const name = FUNCTION_REF.exec(ref)![1]!;
      if (MODEL_FUNCTIONS[name] === undefined)
        issues.push({
          message: `{fn:${name}} is not a portable function: use one of ${Object.keys(MODEL_FUNCTIONS).join(', ')}`,
        });
      parts.push({ kind: 'function', name });
    } else if (TABLE_REF.test(ref)) {
      parts.push({ kind: 'table', cube: TABLE_REF.exec(ref)![1]! });
    } else if (REF_NAME.test(ref)) {
      const [a, b] = ref.split('.');
      parts.push(
        b === undefined ? { kind: 'member', cube, member: a! } : { kind: 'member', cube: a!, member: b },
      );
    } else {
      issues.push({
        message: `"{${ref}}" is not a reference: use {CUBE}, {NOW}, {member}, {cube.member}, {TABLE cube} or {fn:name}`,
      });
    }
  }
  if (last < trimmed.length) parts.push({ kind: 'text', text: trimmed.slice(last) });
  if (parts.some((p) => p.kind === 'text' && /[{}]/.test(p.text))) {
    issues.push({ message: 'unbalanced { or } in the expression' });
  }
  if (parts.some((p) => p.kind === 'text' && /;/.test(p.text))) {
    issues.push({ message: 'a model expression must not contain ";"' });
  }
  if (issues.length === 0 && parts.some((p) => p.kind === 'function')) {
    try {
      gatherCalls(parts);
    } catch (e) {
      issues.push({ message: (e as Error).message });
    }
  }
  return { expr: { source, parts }, issues };
}

/** The member references of an expression, as full names. */
export function referencedMembers(expr: ModelExpr): string[] {
  return expr.parts.flatMap((p) => (p.kind === 'member' ? [`${p.cube}.${p.member}`] : []));
}
