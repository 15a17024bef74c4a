import { parameterDocs } from './report-docs';
import { type ParamField, paramFields } from './report-schema';
import type { ReportHelpSource } from './specs';

/** The flags the report command handles itself rather than passing to the report. */
const COMMAND_FLAGS = new Set(['--as-of']);

const show = (v: unknown): string =>
  Array.isArray(v) ? v.map(show).join(',') : typeof v === 'string' ? v : JSON.stringify(v);

function bounds(f: ParamField): string | undefined {
  const one = (f.max ?? f.min)?.value === 1;
  const items = f.type === 'array' ? ' item' : f.type === 'string' ? ' character' : '';
  const unit = items && !one ? `${items}s` : items;
  const lo = f.min && (f.min.inclusive ? `at least ${f.min.value}` : `above ${f.min.value}`);
  const hi = f.max && (f.max.inclusive ? `at most ${f.max.value}` : `below ${f.max.value}`);
  if (f.type === 'number' && f.min?.inclusive && f.max?.inclusive) return `${f.min.value} to ${f.max.value}`;
  if (f.type === 'string' && f.min?.value === 1 && !f.max) return undefined;
  const text = [lo, hi].filter(Boolean).join(', ');
  return text ? `${text}${unit}` : undefined;
}

/** `(required)`, `(default: 7d)`, `(2 to 10)`: what commander prints after an option's text. */
function meta(f: ParamField): string {
  const parts: string[] = [];
  if (f.required) parts.push('required');
  if ('default' in f && !(Array.isArray(f.default) && f.default.length === 0))
    parts.push(`default: ${show(f.default)}`);
  const b = bounds(f);
  if (b) parts.push(b);
  return parts.length ? `(${parts.join('; ')})` : '';
}

/** Wraps text to `width` columns, continuation lines indented by `indent`. */
function wrap(text: string, width: number, indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width - indent) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/**
 * The parameters of report `name` for `rapport report NAME --help`: each flag with its value
 * type, description, default and bounds, from the report's zod schema (descriptions from the
 * schema's doc comments when the schema has none of its own).
 */
export function reportParamsHelp(report: ReportHelpSource, columns = process.stdout.columns || 80): string {
  const { name } = report;
  const fields = paramFields(report.schema).filter((f) => !COMMAND_FLAGS.has(f.flag));
  const docs = parameterDocs(fields.map((f) => f.key));
  const rows = fields.map((f) => {
    const long = f.value.length > 30;
    const left = `  ${f.flag} <${long ? f.key.replaceAll('_', '-') : f.value}>`;
    let description = f.description ?? docs.get(f.key) ?? '';
    // A doc comment's own "[default]" says what `meta` says.
    if ('default' in f)
      for (const d of [show(f.default), Array.isArray(f.default) ? f.default.join(', ') : undefined])
        if (d !== undefined) description = description.replace(` [${d}]`, '');
    const text = [
      description,
      long && f.values ? `One of: ${f.values.join(', ')}.` : '',
      long && !f.values ? `A ${f.value}.` : '',
      f.value === 'list' && f.element && f.element !== 'text' && !f.element.includes('json')
        ? f.element.includes('|')
          ? `Each one of: ${f.element.split('|').join(', ')}.`
          : `Each a ${f.element}.`
        : '',
      meta(f),
    ]
      .filter(Boolean)
      .join(' ');
    return { left, text };
  });
  const pad = Math.min(30, Math.max(...rows.map((r) => r.left.length)) + 2);
  const width = Math.max(60, columns);
  const lines = rows.map(({ left, text }) =>
    (left.length + 2 > pad
      ? `${left}\n${' '.repeat(pad)}${wrap(text, width, pad)}`
      : `${left.padEnd(pad)}${wrap(text, width, pad)}`
    ).trimEnd(),
  );
  const intro =
    `${name}: ${report.description.replace(/\.$/, '')}. Its parameters (a list is comma-separated ` +
    `or JSON; the body of POST /v1/reports/${name} takes the same names in snake_case):`;
  return ['', wrap(intro, width, 0), ...lines].join('\n');
}
