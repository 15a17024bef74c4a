const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * "Data as of 14 May 2026, 06:00 UTC" from dataAsOf's ISO instant; "Data as of: never loaded"
 * when no load of the dashboard's facts is recorded. UTC, written out, so that a page, an e-mail
 * and a PDF read the same whatever the reader's zone. Shared by the pages and deliveries.
 */
export function dataAsOfText(iso: string | null): string {
  if (iso === null) return 'Data as of: no load of these facts recorded';
  const d = new Date(iso);
  if (Number.isNaN(+d)) return `Data as of ${iso}`;
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `Data as of ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`;
}
