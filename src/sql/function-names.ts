/**
 * The function table's names: every engine-specific function the code needs, by one portable
 * name. A `call` node names the function; each dialect's table (dialects/*-functions.ts) writes
 * it. Factories are in functions.ts. Arguments are nodes unless the entry says otherwise.
 */
export const FUNCTION_NAMES = [
  // (start, end) → whole `unit` boundaries crossed from start to end, as bigint
  'date_diff',
  // (ts) → the `unit` field of ts (year, quarter, month, day, hour, minute, second, dow, doy), bigint
  'date_part',
  // (n, ts) → ts plus n `unit`s
  'date_add',
  // (ts) → seconds since 1970-01-01 (UTC wall time), double
  'epoch_seconds',
  // (ts) → whole microseconds since 1970-01-01 (UTC wall time), bigint: exact, for ordering and differences
  'epoch_micros',
  // (seconds) → the timestamp that many seconds after 1970-01-01
  'from_epoch_seconds',
  // (value, by) → value at the row with the largest (smallest) `by`; rows with a null value skipped
  'arg_max',
  'arg_min',
  // (value, by) → as arg_max/arg_min, but a null value at that row is the answer
  'arg_max_null',
  'arg_min_null',
  // (x) → the interpolated (cont) or nearest-lower (disc) quantile `fraction` of x
  'quantile_cont',
  'quantile_disc',
  // (...items) → an array
  'array',
  // (x) → the array of x over the group's rows (order unspecified)
  'array_agg',
  // (array) → its length
  'array_length',
  // (array, i) → the i-th element, 1-based; null past the end
  'array_element',
  // (array, x) → whether x is an element
  'array_contains',
  // (array) → one row per element (a set-returning select-list expression)
  'unnest',
  // (start, stop) → one row per integer start..stop, inclusive (set-returning)
  'series',
  // (start, stop) → one row per `unit` from start to stop, inclusive (set-returning)
  'time_series',
  // (...x) → a 64-bit hash of the values (not portable across engines: for sampling, not storing)
  'hash',
  // (a, b) → the bitwise AND / OR of two non-negative integers; (a, n) → a shifted by n bits.
  // Pass constants as literals (raw): a bound INTEGER widens DuckDB's UBIGINT to HUGEINT.
  'bit_and',
  'bit_or',
  'bit_shift_left',
  'bit_shift_right',
  // (...x) → the largest / smallest argument
  'greatest',
  'least',
  // (x, separator) → the group's values joined (order unspecified)
  'string_agg',
  // (text, pattern, replacement) → text with every match of the (RE2) pattern replaced
  'regexp_replace_all',
  // (a, b) → a = b, where null equals null (for join conditions)
  'null_safe_equals',
  // () → the database's clock (where no query clock is pinned)
  'now',
  // (condition) → its truth as a boolean value (ClickHouse's comparisons give 0/1 otherwise)
  'as_boolean',
  // (text) → the MD5 digest of the text as 32 lowercase hex digits, the same on every engine
  // (a portable sample order: `hash` differs between engines)
  'stable_hash_hex',
  // (text, separator) → the array of the pieces between separators (empty pieces kept)
  'split_text',
] as const;

export type FunctionName = (typeof FUNCTION_NAMES)[number];

export const TIME_UNITS = [
  'second',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'quarter',
  'year',
  'dow',
  'doy',
] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];
