import { dataTable } from '../components/data-table';
import { errorState, loadingState } from '../components/states';
import { ApiError, isAbort } from '../core/api';
import { authHeaders } from '../core/api-key';
import { h, replace } from '../core/dom';
import { download, fileName } from '../core/download';
import { formatNumber } from '../core/format';
import { exploreHref } from './tile-export';
import { fetchRecords, type RecordsRequest, type RecordsResult, recordsCsvRequest } from './tile-source';

/** Records shown in the panel; the CSV has all of them. */
export const RECORDS_SHOWN = 100;

const count = (n: number) => formatNumber(n, 'integer');

/** "First 100 of 1,234 records" or "All 37 records". */
export function recordsCountText(shown: number, total: number): string {
  if (total === 0) return 'No records';
  if (shown >= total) return total === 1 ? '1 record' : `All ${count(total)} records`;
  return `First ${count(shown)} of ${count(total)} records`;
}

function failure(e: unknown): { code: string; message: string } {
  if (e instanceof ApiError && e.status === 403)
    return {
      code: e.code,
      message:
        'Your role may not list records (analysts and marketers may). The numbers above are all it shows.',
    };
  if (e instanceof ApiError) return { code: e.code, message: e.message };
  return { code: 'CLIENT_ERROR', message: String(e) };
}

async function downloadCsv(r: RecordsRequest): Promise<void> {
  const { url, body } = recordsCsvRequest(r);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/csv', ...authHeaders() },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const e = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
    throw new ApiError(
      response.status,
      e.code ?? `HTTP_${response.status}`,
      e.message ?? response.statusText,
    );
  }
  const href = URL.createObjectURL(await response.blob());
  download(href, `${fileName(r.dashboard, r.tile, 'records')}.csv`);
  setTimeout(() => URL.revokeObjectURL(href), 0);
}

/**
 * The records behind a clicked mark in a modal dialog: the first 100 (saying of how many), a
 * CSV of all of them, and the records' query in Explore. Escape, the close button or a click
 * on the backdrop closes it.
 */
export function openRecords(
  r: RecordsRequest,
  context: { title: string; trail: readonly string[] },
): HTMLDialogElement {
  const request = new AbortController();
  const status = h('p', { class: 'records-count', role: 'status' }, 'Loading records…');
  const body = h('div', { class: 'records-body' }, loadingState('Loading records'));
  const csvStatus = h('span', { class: 'records-csv-status small', role: 'status' });
  const csvButton = h('button', { type: 'button', class: 'button small', disabled: true }, 'Download CSV');
  const explore = h('a', { class: 'button small records-explore', hidden: true }, 'Open in Explore');
  const close = h('button', { type: 'button', class: 'button primary small', autofocus: true }, 'Close');
  const heading = h('h2', { class: 'records-title', id: 'records-title' }, `Records: ${context.title}`);
  const dialog = h(
    'dialog',
    {
      class: 'records-dialog',
      'aria-labelledby': 'records-title',
      dataset: { state: 'loading', tile: r.tile },
    },
    h(
      'header',
      { class: 'records-header' },
      heading,
      h('p', { class: 'records-trail' }, context.trail.join(' › ')),
    ),
    status,
    body,
    h(
      'footer',
      { class: 'records-actions' },
      csvButton,
      csvStatus,
      explore,
      h('span', { class: 'spacer' }),
      close,
    ),
  );

  const show = (result: RecordsResult) => {
    dialog.dataset['state'] = 'ready';
    dialog.dataset['total'] = String(result.total);
    status.textContent = recordsCountText(result.data.length, result.total);
    replace(body, result.data.length > 0 ? dataTable(result.fields, result.data, { sortable: false }) : null);
    const all = Math.min(result.total, result.csv_limit);
    csvButton.textContent =
      all < result.total ? `Download CSV (first ${count(all)})` : `Download CSV (${count(result.total)})`;
    csvButton.disabled = result.total === 0;
    explore.href = exploreHref({ ...result.query, limit: RECORDS_SHOWN });
    explore.hidden = false;
  };
  csvButton.addEventListener('click', () => {
    csvButton.disabled = true;
    csvStatus.textContent = 'Preparing the CSV…';
    downloadCsv(r)
      .then(() => {
        csvStatus.textContent = '';
      })
      .catch((e: unknown) => {
        csvStatus.textContent = `The CSV failed: ${failure(e).message}`;
      })
      .finally(() => {
        csvButton.disabled = false;
      });
  });
  close.addEventListener('click', () => dialog.close());
  // A click on the backdrop lands on the dialog itself, outside its content box.
  dialog.addEventListener('click', (e) => {
    const box = dialog.getBoundingClientRect();
    const inside =
      e.clientX >= box.left && e.clientX <= box.right && e.clientY >= box.top && e.clientY <= box.bottom;
    if (e.target === dialog && !inside) dialog.close();
  });
  dialog.addEventListener('close', () => {
    request.abort();
    dialog.remove();
  });

  document.body.appendChild(dialog);
  dialog.showModal();
  fetchRecords(r, RECORDS_SHOWN, request.signal)
    .then(show)
    .catch((e: unknown) => {
      if (isAbort(e) || request.signal.aborted) return;
      const { code, message } = failure(e);
      dialog.dataset['state'] = 'error';
      status.textContent = '';
      replace(body, errorState(code, message));
    });
  return dialog;
}
