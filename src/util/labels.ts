/**
 * How values read for people, in one place for the server (chart labels, CSV with human
 * headers) and the browser (tables, Explore): a missing value is always `MISSING_LABEL`, and a
 * code-like value (`closed_won`, `in_person`, `view_product`) reads as words ("Closed won").
 */

/** The one rendering of a missing dimension value, everywhere. */
export const MISSING_LABEL = '(unknown)';

/** Words kept in capitals when a code is humanised. */
const ACRONYMS: Readonly<Record<string, string>> = {
  b2b: 'B2B',
  b2c: 'B2C',
  sms: 'SMS',
  csat: 'CSAT',
  roi: 'ROI',
  romi: 'ROMI',
  cac: 'CAC',
  rfm: 'RFM',
  crm: 'CRM',
  faq: 'FAQ',
  id: 'ID',
  url: 'URL',
  utm: 'UTM',
  seo: 'SEO',
  vip: 'VIP',
  pdf: 'PDF',
  api: 'API',
  q1: 'Q1',
  q2: 'Q2',
  q3: 'Q3',
  q4: 'Q4',
};

/** A code: lower-case words joined by `_` or `-` (`closed_won`, `paid_search`, `b2c`). */
const CODE = /^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$/;

/** `closed_won` → "Closed won", `b2b` → "B2B", `paid_search` → "Paid search"; other text unchanged. */
export function humanize(value: string): string {
  if (!CODE.test(value)) return value;
  const words = value.split(/[_-]/).map((w) => ACRONYMS[w] ?? w);
  const first = words[0]!;
  words[0] = first === first.toLowerCase() ? first.charAt(0).toUpperCase() + first.slice(1) : first;
  return words.join(' ');
}

export interface LabelRule {
  readonly labels?: Readonly<Record<string, string>>;
  readonly humanize?: boolean;
}

/** A dimension value for people: its explicit label, else humanised (when the rule says so). */
export function labelOf(value: unknown, rule: LabelRule = {}): string {
  if (value === null || value === undefined || value === '') return MISSING_LABEL;
  const text = typeof value === 'string' ? value : String(value);
  const explicit = rule.labels && Object.hasOwn(rule.labels, text) ? rule.labels[text] : undefined;
  if (explicit !== undefined) return explicit;
  return rule.humanize && typeof value === 'string' ? humanize(text) : text;
}
