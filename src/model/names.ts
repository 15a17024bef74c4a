/** Cube and member names: lower snake case, so that they are safe and unambiguous in queries. */
export const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;
export const NAME_RULE = 'lower-case letters, digits and _, starting with a letter';

/** A table path in `sql_table`: one to three identifier parts. */
export const TABLE_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$/;

export function splitMemberName(fullName: string): [string, string] | undefined {
  const i = fullName.indexOf('.');
  if (i <= 0 || fullName.indexOf('.', i + 1) >= 0) return undefined;
  return [fullName.slice(0, i), fullName.slice(i + 1)];
}

/** A title from a name: `average_order_value` → `Average Order Value`. */
export function titleOf(name: string): string {
  return name
    .split('_')
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}
