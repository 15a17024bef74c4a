import { ident, list, raw, type SqlNode, sql } from '../../sql';
import { CONTRACTS, CUSTOMER_TRACKED_ATTRIBUTES } from '../contracts';
import { type LoadContext, type MergeCounts, scalar } from './context';
import { RESOLVED } from './dimensions';

const tracked = (alias: string) =>
  list(CUSTOMER_TRACKED_ATTRIBUTES.map((a) => sql`${raw(alias)}.${ident(a)}`));

/**
 * SCD2 merge of customers. Incoming rows of one customer are applied in `updated_at` order on
 * top of the warehouse's current version: a change of type, industry, country, region or city
 * opens a new version valid from the row's `updated_at`; other changes overwrite the version
 * they fall in. A row not newer than the current version is superseded (unchanged). A
 * customer's first version is valid from 1900-01-01, so facts older than the first load find
 * it; a placeholder made by a fact load becomes that first version in place. Facts of
 * customers with new versions are re-pointed to the version valid at their event time.
 */
export async function mergeCustomers(ctx: LoadContext): Promise<MergeCounts> {
  const { session, contract, runId, now } = ctx;
  const fields = Object.keys(contract.fields);
  await session.exec(sql`
    CREATE OR REPLACE TEMP TABLE __cur AS
    SELECT customer_id, customer_key AS cur_key, updated_at AS cur_updated, row_hash AS cur_hash,
           is_placeholder AS cur_ph, hash(${tracked('d')}) AS cur_track
    FROM dim_customer d
    WHERE is_current AND customer_id IN (SELECT customer_id FROM ${raw(RESOLVED)})`);
  await session.exec(sql`
    CREATE OR REPLACE TEMP TABLE __seq AS
    SELECT r.*, hash(${tracked('r')}) AS __track, c.cur_key, c.cur_hash, c.cur_track,
           coalesce(c.cur_ph, false) AS cur_ph,
           coalesce(c.cur_key IS NOT NULL AND NOT c.cur_ph AND c.cur_updated IS NOT NULL
                    AND r.updated_at IS NOT NULL AND r.updated_at <= c.cur_updated, false) AS stale
    FROM ${raw(RESOLVED)} r LEFT JOIN __cur c USING (customer_id)`);
  await session.exec(sql`
    CREATE OR REPLACE TEMP TABLE __fresh AS
    SELECT *, sum(CASE WHEN __action = 'insert' OR (__action = 'update' AND before_track IS DISTINCT FROM __track)
                       THEN 1 ELSE 0 END) OVER (PARTITION BY customer_id ORDER BY seq ROWS UNBOUNDED PRECEDING) AS version_no
    FROM (
      SELECT *,
             CASE WHEN before_hash IS NULL THEN 'insert'
                  WHEN before_hash = __hash THEN 'unchanged'
                  ELSE 'update' END AS __action,
             CASE WHEN before_hash IS NULL THEN TIMESTAMP '1900-01-01'
                  ELSE coalesce(updated_at, CAST(${now} AS TIMESTAMP)) END AS __from
      FROM (
        SELECT *,
               CASE WHEN seq > 1 THEN prev_hash WHEN cur_key IS NULL OR cur_ph THEN NULL ELSE cur_hash END AS before_hash,
               CASE WHEN seq > 1 THEN prev_track WHEN cur_key IS NULL OR cur_ph THEN NULL ELSE cur_track END AS before_track
        FROM (SELECT *, row_number() OVER w AS seq, lag(__hash) OVER w AS prev_hash, lag(__track) OVER w AS prev_track
              FROM __seq WHERE NOT stale
              WINDOW w AS (PARTITION BY customer_id ORDER BY updated_at NULLS FIRST, __line))))`);
  await ensureGeography(ctx);
  const stale = await scalar(session, 'SELECT count(*) FROM __seq WHERE stale');
  const counts = await session.query('SELECT __action AS a, count(*) AS n FROM __fresh GROUP BY __action');
  const by = new Map(counts.rows.map((r) => [String(r['a']), Number(r['n'])]));
  // One row per resulting version (version 0 = the existing current version): the attributes
  // of the last row that fell in it, valid from the first.
  await session.exec(sql`
    CREATE OR REPLACE TEMP TABLE __versions AS
    SELECT *, coalesce(lead(valid_from) OVER (PARTITION BY customer_id ORDER BY version_no),
                       TIMESTAMP '9999-12-31') AS valid_to,
              version_no = max(version_no) OVER (PARTITION BY customer_id) AS is_current
    FROM (
      SELECT f.*, first_value(__from) OVER (PARTITION BY customer_id, version_no ORDER BY seq) AS valid_from,
             g.geography_key
      FROM __fresh f
      LEFT JOIN dim_geography g ON g.region IS NOT DISTINCT FROM f.region AND g.country IS NOT DISTINCT FROM f.country
                               AND g.city IS NOT DISTINCT FROM f.city
      QUALIFY row_number() OVER (PARTITION BY customer_id, version_no ORDER BY seq DESC) = 1)`);
  const setAttributes: SqlNode[] = [
    ...fields.map((f) => sql`${ident(f)} = v.${ident(f)}`),
    sql`geography_key = v.geography_key`,
    sql`row_hash = v.__hash`,
    sql`run_id = ${runId}`,
  ];
  // Type-1 changes to the current version.
  await session.exec(sql`
    UPDATE dim_customer SET ${list(setAttributes)}
    FROM __versions v
    WHERE v.version_no = 0 AND dim_customer.customer_key = v.cur_key AND dim_customer.row_hash <> v.__hash`);
  // The current version ends where the first new one starts.
  await session.exec(sql`
    UPDATE dim_customer SET valid_to = v.valid_from, is_current = false
    FROM __versions v
    WHERE v.version_no = 1 AND NOT v.cur_ph AND dim_customer.customer_key = v.cur_key`);
  // A placeholder becomes the customer's first version.
  await session.exec(sql`
    UPDATE dim_customer SET ${list(setAttributes)}, valid_to = v.valid_to, is_current = v.is_current,
                            is_placeholder = false
    FROM __versions v
    WHERE v.version_no = 1 AND v.cur_ph AND dim_customer.customer_key = v.cur_key`);
  const next = await scalar(session, 'SELECT coalesce(max(customer_key), 0) FROM dim_customer');
  const columns = fields.map((f) => ident(f));
  await session.exec(sql`
    INSERT INTO dim_customer (customer_key, ${list(columns)}, geography_key, valid_from, valid_to, is_current,
                              is_placeholder, row_hash, run_id)
    SELECT ${next} + row_number() OVER (ORDER BY customer_id, version_no), ${list(columns)}, geography_key,
           valid_from, valid_to, is_current, false, __hash, ${runId}
    FROM __versions
    WHERE version_no >= 1 AND NOT (cur_ph AND version_no = 1)`);
  await repointFacts(ctx);
  return {
    inserted: by.get('insert') ?? 0,
    updated: by.get('update') ?? 0,
    unchanged: (by.get('unchanged') ?? 0) + stale,
  };
}

/** Adds the (region, country, city) places of the applied customer rows to dim_geography. */
async function ensureGeography(ctx: LoadContext): Promise<void> {
  await ctx.session.exec(sql`
    INSERT INTO dim_geography (geography_key, region, country, city)
    SELECT m.k + row_number() OVER (ORDER BY v.region, v.country, v.city), v.region, v.country, v.city
    FROM (SELECT DISTINCT region, country, city FROM __fresh
          WHERE region IS NOT NULL OR country IS NOT NULL OR city IS NOT NULL) v
    CROSS JOIN (SELECT coalesce(max(geography_key), 0) AS k FROM dim_geography) m
    WHERE NOT EXISTS (SELECT 1 FROM dim_geography g
                      WHERE g.region IS NOT DISTINCT FROM v.region AND g.country IS NOT DISTINCT FROM v.country
                        AND g.city IS NOT DISTINCT FROM v.city)`);
}

/** Points facts of customers that got new versions at the version valid at their event time. */
async function repointFacts(ctx: LoadContext): Promise<void> {
  const { session } = ctx;
  const changed = await scalar(
    session,
    `SELECT count(*) FROM __versions WHERE version_no >= 1 AND cur_key IS NOT NULL AND (NOT cur_ph OR version_no >= 2)`,
  );
  if (changed === 0) return;
  await session.exec(`
    CREATE OR REPLACE TEMP TABLE __changed_customers AS
    SELECT DISTINCT customer_id FROM __versions
    WHERE version_no >= 1 AND cur_key IS NOT NULL AND (NOT cur_ph OR version_no >= 2)`);
  for (const c of CONTRACTS) {
    const ref = c.references?.find((r) => r.dimension === 'customer');
    if (!ref?.asOf) continue;
    const at = ident(ref.asOf);
    const table = ident(c.table);
    await session.exec(sql`
      UPDATE ${table} SET customer_key = d.customer_key
      FROM dim_customer d
      WHERE d.customer_id = ${table}.customer_id
        AND ${table}.${at} >= d.valid_from AND ${table}.${at} < d.valid_to
        AND ${table}.customer_key IS DISTINCT FROM d.customer_key
        AND ${table}.customer_id IN (SELECT customer_id FROM __changed_customers)`);
  }
}
