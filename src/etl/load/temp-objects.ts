import type { Session } from '../../engine';

const VIEWS = ['__typed_rows', '__typed_all', '__valid', '__resolved'];
const TABLES = [
  '__src',
  '__src_text',
  '__deleted_lines',
  '__raw_lines',
  '__lines',
  '__malformed',
  '__line_shift',
  '__csv_rejects',
  '__csv_scans',
  '__csv_bad_lines',
  '__csv_bad',
  '__csv_points',
  '__jsonl_rejects',
  '__jsonl_scans',
  '__typed',
  '__deduped',
  '__numbered',
  '__resolved_rows',
  '__cmp',
  '__cur',
  '__seq',
  '__fresh',
  '__versions',
  '__changed_customers',
];

/** Drops every temp object a load creates, so a pooled connection starts the next job clean. */
export async function dropTempObjects(session: Session): Promise<void> {
  for (const v of VIEWS) await session.exec(`DROP VIEW IF EXISTS ${v}`);
  for (const t of TABLES) await session.exec(`DROP TABLE IF EXISTS ${t}`);
}
