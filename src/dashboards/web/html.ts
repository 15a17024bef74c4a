/** Markup that is already safe: built by `html` or deliberately trusted with `raw`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * A template tag that escapes every interpolated value (lists are joined, `null`, `undefined`
 * and `false` vanish), so page shells cannot inject markup from a dashboard title or a URL.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/**
 * Data for the client inside `<script type="application/json">`: `<` is written as `\u003c`
 * so that no string in it can close the script element.
 */
export function jsonScript(id: string, data: unknown): SafeHtml {
  const text = JSON.stringify(data).replaceAll('<', '\\u003c');
  return raw(`<script type="application/json" id="${escapeHtml(id)}">${text}</script>`);
}
