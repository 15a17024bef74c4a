import type { FilterDefinition } from '../../shared/page-data';
import { h, replace } from '../core/dom';
import { dateRangeControl } from './date-range-control';
import { dimensionPicker } from './dimension-picker';
import { type FilterValues, isDefault, readFilters, withValue } from './filter-state';

/** The dashboard's filters in a row, and "Reset" once any differs from its default. */
export function renderFilterBar(
  bar: HTMLElement,
  defs: readonly FilterDefinition[],
  values: FilterValues,
  onChange: (values: FilterValues) => void,
): void {
  const controls = defs.map((f) => {
    const v = values.get(f.name);
    if (f.type === 'date_range') {
      return dateRangeControl(f, typeof v === 'string' ? v : '', (next) =>
        onChange(withValue(values, f.name, next)),
      );
    }
    return dimensionPicker(f, Array.isArray(v) ? v : [], (next) => onChange(withValue(values, f.name, next)));
  });
  const changed = defs.some((f) => !isDefault(f, values));
  const reset = changed
    ? h(
        'button',
        {
          type: 'button',
          class: 'link-button reset-filters',
          on: { click: () => onChange(readFilters(defs, '')) },
        },
        'Reset filters',
      )
    : null;
  replace(bar, controls, reset);
  bar.hidden = defs.length === 0;
}
