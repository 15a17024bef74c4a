import { h } from '../core/dom';
import type { MemberCatalog, MemberKind } from './member-catalog';

/** A <select> of members of the given kinds, grouped by cube; `value` stays listed even if unknown. */
export function memberSelect(
  catalog: MemberCatalog,
  kinds: readonly MemberKind[],
  value: string,
  label: string,
  onPick: (name: string) => void,
  only?: readonly string[],
): HTMLSelectElement {
  const groups = catalog.cubes
    .map((c) => ({
      cube: c,
      members: c.members.filter((m) => kinds.includes(m.kind) && (!only || only.includes(m.name))),
    }))
    .filter((g) => g.members.length > 0);
  const known = groups.some((g) => g.members.some((m) => m.name === value));
  const select = h(
    'select',
    { 'aria-label': label, on: { change: () => onPick(select.value) } },
    h('option', { value: '', disabled: true, selected: value === '' }, `${label}…`),
    !known && value ? h('option', { value, selected: true }, catalog.title(value)) : null,
    groups.map((g) =>
      h(
        'optgroup',
        { label: g.cube.title },
        g.members.map((m) => h('option', { value: m.name, selected: m.name === value }, m.shortTitle)),
      ),
    ),
  );
  return select;
}
