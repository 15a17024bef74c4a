import { labelOf } from '../../../../util/labels';
import type { SavedSegment, TileResult } from '../api-types';
import { ApiError, postJson } from '../core/api';
import { h, replace } from '../core/dom';
import { download, fileName } from '../core/download';
import { formatNumber } from '../core/format';
import { tileUrl } from './tile-source';

export interface SegmentPick {
  readonly dashboard: string;
  readonly tile: TileResult;
  readonly value: unknown;
  readonly filters: Record<string, string>;
  readonly onClear: () => void;
}

function saveForm(
  pick: SegmentPick,
  status: HTMLElement,
  onCancel: () => void,
  onSaved: () => void,
): HTMLFormElement {
  const name = h('input', {
    name: 'name',
    required: true,
    maxlength: '200',
    'aria-label': 'Target group name',
    value: `${String(pick.value)} – ${pick.tile.title}`,
  });
  const description = h('input', {
    name: 'description',
    maxlength: '2000',
    placeholder: 'Description (optional)',
    'aria-label': 'Description',
  });
  const replaceBox = h('input', { type: 'checkbox', name: 'replace' });
  const replaceLabel = h(
    'label',
    { class: 'check-option', hidden: true },
    replaceBox,
    'Replace the group with this name',
  );
  const submit = h('button', { type: 'submit', class: 'button primary small' }, 'Save');
  const form = h(
    'form',
    { class: 'segment-form' },
    name,
    description,
    replaceLabel,
    h(
      'div',
      { class: 'form-actions' },
      submit,
      h('button', { type: 'button', class: 'button small', on: { click: onCancel } }, 'Cancel'),
    ),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    status.className = 'segment-status';
    status.textContent = 'Saving…';
    try {
      const saved = await postJson<SavedSegment>(tileUrl(pick.dashboard, pick.tile.name, '/segment'), {
        filters: pick.filters,
        value: pick.value,
        name: name.value.trim(),
        ...(description.value.trim() ? { description: description.value.trim() } : {}),
        replace: replaceBox.checked,
      });
      status.className = 'segment-status is-success';
      replace(
        status,
        `Saved “${saved.name}”: ${formatNumber(saved.member_count, 'integer')} customers. `,
        h(
          'a',
          { href: saved.members_url, download: `${fileName(saved.segment_id)}.csv` },
          'Download the list (CSV)',
        ),
      );
      onSaved();
      download(saved.members_url, `${fileName(saved.segment_id)}.csv`);
    } catch (err) {
      const apiError = err instanceof ApiError ? err : undefined;
      status.className = 'segment-status is-error';
      status.textContent = apiError ? `${apiError.code}: ${apiError.message}` : String(err);
      if (apiError?.code === 'CONFLICT') replaceLabel.hidden = false;
      submit.disabled = false;
    }
  });
  return form;
}

/**
 * What the picked group is, in words, with the number of customers a save will hold: a funnel
 * step's drop-outs count anonymous visitors too, but only known customers can be saved.
 */
function pickSummary(pick: SegmentPick): (string | HTMLElement)[] {
  const field = pick.tile.save_segment?.field;
  const row = field ? pick.tile.data.find((r) => String(r[field]) === String(pick.value)) : undefined;
  if (pick.tile.report === 'funnel' && row) {
    const last = row['dropped'] === null;
    const n = (v: unknown) => formatNumber(v, 'integer');
    const people = last ? row['actors'] : row['dropped'];
    const customers = last ? row['customers'] : row['customers_dropped'];
    return [
      `Step ${String(pick.value)}, `,
      h('strong', {}, labelOf(row['step'], { humanize: true })),
      last ? `: ${n(people)} completed the funnel` : `: ${n(people)} reached it and went no further`,
      `; ${n(customers)} of them are known customers, whom a target group holds`,
      Number(customers) === Number(people) ? '.' : ' (anonymous visitors cannot be saved).',
    ];
  }
  return ['Selected: ', h('strong', {}, labelOf(pick.value, { humanize: true }))];
}

/**
 * The picked group of a tile that saves target groups: its name, "Save as target group", and
 * the inline form that names the group, saves it and downloads its members.
 */
export function segmentBar(pick: SegmentPick): HTMLElement {
  const status = h('p', { class: 'segment-status', role: 'status' });
  const actions = h('div', { class: 'selection-actions' });
  const clear = () =>
    h('button', { type: 'button', class: 'link-button', on: { click: pick.onClear } }, 'Clear');
  const showButton = () =>
    replace(
      actions,
      h(
        'button',
        { type: 'button', class: 'button primary small', on: { click: showForm } },
        'Save as target group',
      ),
      clear(),
    );
  function showForm() {
    replace(
      actions,
      saveForm(pick, status, showButton, () => replace(actions, clear())),
    );
    actions.querySelector('input')?.select();
  }
  showButton();
  return h(
    'div',
    { class: 'selection-bar' },
    h('p', { class: 'selection-label' }, ...pickSummary(pick)),
    actions,
    status,
  );
}
