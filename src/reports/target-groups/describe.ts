import type { QueryFilter } from '../../query/schema';
import type { SegmentDefinition } from './definition';

/**
 * A saved segment's definition in words, for the target groups page: which report and slice it
 * was saved from (with the report's parameters), or which cube query and filters.
 */
export function describeDefinition(d: SegmentDefinition): string {
  switch (d.source) {
    case 'rfm': {
      const parts = [
        d.segments?.length ? `segment${d.segments.length === 1 ? '' : 's'} ${d.segments.join(', ')}` : '',
        d.cells?.length ? `cell${d.cells.length === 1 ? '' : 's'} ${d.cells.join(', ')}` : '',
      ].filter(Boolean);
      return `RFM report: ${parts.join(' or ')}${withParams(d.params)}`;
    }
    case 'cluster':
      return `Customer segments report (k-means): cluster ${d.cluster}${withParams(d.params)}`;
    case 'funnel':
      return `Funnel report: customers who ${d.which === 'reached' ? 'reached' : 'dropped out after'} step ${d.step}${withParams(d.params)}`;
    case 'cohort':
      return `Cohort report: the cohort of ${d.cohort}${withParams(d.params)}`;
    case 'retention':
      return `Retention report: the cohort of ${d.cohort}, customers who ${d.which === 'returned' ? 'returned' : 'did not return'} at offset ${d.offset}${withParams(d.params)}`;
    case 'paths': {
      const value =
        d.breakdown_value === undefined ? '' : ` (breakdown value ${JSON.stringify(d.breakdown_value)})`;
      return `Paths report: customers whose sessions took ${d.path.join(' → ')}${value}${withParams(d.params)}`;
    }
    case 'clv': {
      const bounds = [
        d.min_value !== undefined ? `revenue ≥ ${d.min_value}` : '',
        d.max_value !== undefined ? `revenue < ${d.max_value}` : '',
        d.min_p_alive !== undefined ? `P(alive) > ${d.min_p_alive}` : '',
        d.max_p_alive !== undefined ? `P(alive) ≤ ${d.max_p_alive}` : '',
        d.min_clv !== undefined ? `CLV ≥ ${d.min_clv}` : '',
      ].filter(Boolean);
      return `CLV report: ${bounds.join(', ')}${withParams(d.params)}`;
    }
    case 'query': {
      const q = d.query;
      const parts = [`Cube query: ${q.dimensions.join(', ')}`];
      if (q.measures.length) parts.push(`measures ${q.measures.join(', ')}`);
      const filters = q.filters.map(filterText);
      for (const t of q.timeDimensions) {
        if (t.dateRange !== undefined) filters.push(`${t.dimension} in ${rangeText(t.dateRange)}`);
      }
      if (q.segments.length) filters.push(`segments ${q.segments.join(', ')}`);
      parts.push(filters.length ? `where ${filters.join(' and ')}` : 'no filters');
      return parts.join('; ');
    }
    case 'ids':
      return `A list of ${d.customer_ids.length} customer id${d.customer_ids.length === 1 ? '' : 's'}`;
  }
}

function withParams(params: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '';
  return ` (${entries.map(([k, v]) => `${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ')})`;
}

function rangeText(r: unknown): string {
  return Array.isArray(r) ? r.join(' to ') : String(r);
}

function filterText(f: QueryFilter): string {
  if ('and' in f) return `(${f.and.map(filterText).join(' and ')})`;
  if ('or' in f) return `(${f.or.map(filterText).join(' or ')})`;
  const member = f.member ?? f.dimension ?? '?';
  const values = f.values?.length ? ` ${f.values.map(String).join(', ')}` : '';
  return `${member} ${f.operator}${values}`;
}
