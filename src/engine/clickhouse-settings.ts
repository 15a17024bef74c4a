/**
 * Every ClickHouse setting rapport sends, in one place. ClickHouse refuses a setting it does not
 * know, and servers differ by years (Debian's 18.16 knows neither `session_timezone` nor
 * `date_time_output_format`), so the session settings are sent only where the server lists them
 * in `system.settings` (read once when the engine opens).
 *
 * Every request carries the full set, limits included (0 = none): chdb applies settings with
 * `SET` on its one session, so a setting left out would keep the previous request's value.
 */

import type { ClickHouseSettings } from '@clickhouse/client';

/** What every query relies on, wherever the server has the setting. */
const SESSION_SETTINGS = {
  // Outer joins fill missing columns with NULL, as SQL (and DuckDB) do, not the type's default.
  join_use_nulls: 1,
  // 64-bit integers as JSON strings, so values past 2^53 reach clickhouse-values.ts whole
  // (unquoted they would be rounded by JSON.parse before they could be kept as text).
  output_format_json_quote_64bit_integers: 1,
  // apache-arrow cannot read LZ4-compressed record batches.
  output_format_arrow_compression_method: 'none',
  // `YYYY-MM-DD hh:mm:ss`, in the column's zone: a value converted to a zone reads as its wall
  // clock, as DuckDB's `timezone()` gives it; `iso` would print every value back in UTC.
  date_time_output_format: 'simple',
  // Timestamps without a zone are UTC, as in the warehouse (DuckDB sessions run `SET TimeZone`).
  session_timezone: 'UTC',
  // NULL as an empty field and an empty string as `""`, as DuckDB writes CSV.
  format_csv_null_representation: '',
  // The dialect may GROUP BY / ORDER BY ordinals, as in DuckDB.
  enable_positional_arguments: 1,
} as const satisfies ClickHouseSettings;

export const SESSION_SETTING_NAMES: readonly string[] = Object.keys(SESSION_SETTINGS);

/** The query that lists which session settings a server knows (trusted text, no parameters). */
export const KNOWN_SETTINGS_SQL = `SELECT name FROM system.settings WHERE name IN (${SESSION_SETTING_NAMES.map((n) => `'${n}'`).join(', ')})`;

/** The per-request limits: a statement's time limit and a result's row limit. */
export interface RequestLimits {
  readonly timeoutMs?: number;
  readonly maxRows?: number;
}

/**
 * The settings a server is sent with every request, made once per engine from the names the
 * server knows (`KNOWN_SETTINGS_SQL`).
 */
export class ClickHouseSettingsFor {
  private readonly session: ClickHouseSettings;

  constructor(known: ReadonlySet<string>) {
    this.session = Object.fromEntries(Object.entries(SESSION_SETTINGS).filter(([name]) => known.has(name)));
  }

  /** The session settings plus the limits of one request. */
  request(limits: RequestLimits, options: { http: boolean }): ClickHouseSettings {
    const { timeoutMs, maxRows } = limits;
    return {
      ...this.session,
      // Whole seconds (18.16 takes no fraction); the client's abort stops the wait to the millisecond.
      max_execution_time: timeoutMs === undefined ? 0 : Math.max(1, Math.ceil(timeoutMs / 1000)),
      timeout_overflow_mode: 'throw',
      // 0 would mean no limit to ClickHouse: a limit of 0 rows is checked by the engine instead.
      max_result_rows: maxRows === undefined || maxRows === 0 ? '0' : String(maxRows),
      result_overflow_mode: 'throw',
      // Over HTTP the server buffers the whole result before answering, so an error (a limit, a
      // timeout) arrives as an HTTP error rather than after part of a 200 body. The HTTP handler
      // of every version reads it; chdb's connection drops it.
      ...(options.http ? { wait_end_of_query: 1 } : {}),
    };
  }
}
