import { cast, fn, func, raw, type SqlNode, sql } from '../../sql';
import type { Cte } from '../common/ctes';
import { int } from './steps';

/**
 * The time-to-convert histogram over `reach` (the actors' shortest time to each step, µs): the
 * times of those who reached the last of `steps`, in `bins` equal-width bins from the fastest to
 * the slowest (one bin when all are equal), empty bins included.
 */
export function timeToConvertBins(bins: number, steps: number): { ctes: Cte[]; body: SqlNode } {
  return {
    ctes: [
      ['ttc', sql`SELECT d / 1e6 AS sec FROM reach WHERE k = ${int(steps)}`],
      [
        'lim',
        sql`SELECT lo, CASE WHEN hi > lo THEN (hi - lo) / ${int(bins)} ELSE 1 END AS w,
                 CASE WHEN hi > lo THEN ${int(bins)} ELSE 1 END AS nb
          FROM (SELECT ${func('min', [raw('sec')])} AS lo, ${func('max', [raw('sec')])} AS hi FROM ttc) m WHERE m.lo IS NOT NULL`,
      ],
      [
        'ttc_bin',
        sql`SELECT ${cast(sql`least(${cast(sql`floor((sec - lo) / w)`, 'integer')}, nb - 1)`, 'integer')} AS b FROM ttc CROSS JOIN lim`,
      ],
    ],
    body: sql`SELECT r.b AS bin, lim.lo + r.b * lim.w AS from_s, lim.lo + (r.b + 1) * lim.w AS to_s,
                     coalesce(c.n, 0) AS actors
              FROM lim CROSS JOIN (SELECT ${cast(fn.series(int(0), sql`nb - 1`), 'integer')} AS b FROM lim) r
              LEFT JOIN (SELECT x.b AS b, count(*) AS n FROM ttc_bin x GROUP BY x.b) c ON c.b = r.b ORDER BY r.b`,
  };
}
