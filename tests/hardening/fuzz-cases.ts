import type { Model } from '../../src/model/types';

/** The value a fuzz case plants in a table the model does not expose; no answer may carry it. */
export const SECRET = 'SECRET-7f3a9c41';
export const SECRET_TABLE = 'secret_payroll';

/** One generated HTTP request. */
export interface FuzzCase {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  /** A JSON value, or a raw string sent as is (bad JSON). */
  readonly payload?: unknown;
  readonly raw?: string;
  readonly headers: Record<string, string>;
  /** The route answers SQL text by design (`/sql`): its 200 body is not checked for SQL. */
  readonly answersSql: boolean;
  /** How deeply the JSON sent nests, when far beyond the limit: the answer must be 400 saying so. */
  readonly depth?: number;
}

type Rand = () => number;

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const chance = (r: Rand, p: number): boolean => r() < p;

/** Strings an attacker or a confused client sends where a member, value or option goes. */
const NASTY = [
  "' OR 1=1 --",
  "'; DROP TABLE dim_customer; --",
  `x' UNION SELECT s FROM ${SECRET_TABLE} --`,
  `(SELECT s FROM ${SECRET_TABLE})`,
  `"; SELECT * FROM ${SECRET_TABLE}; --`,
  '/* comment */ 1',
  '-- comment',
  'version()',
  "current_setting('threads')",
  "read_csv('/etc/passwd')",
  "getenv('HOME')",
  '\u0000',
  "\\'",
  '%',
  '_',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '😀💥',
  'Ｏｒｄｅｒｓ',
  'Ünïcödé',
  '',
  ' ',
  'null',
  'undefined',
  'NaN',
  '1e309',
  '-0',
  '9223372036854775808',
  '2025-02-30',
  '0000-00-00',
  '99999-12-31',
  'x'.repeat(10_000),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j-style probe, sent literally
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
];

const NASTY_MEMBERS = [
  'orders.revenue; DROP TABLE fact_orders',
  'orders."revenue"',
  'orders.revenue--',
  'orders.revenue/*',
  'orders.',
  '.revenue',
  'orders',
  'orders.revenue.day.day',
  'orders.nope',
  'nope.revenue',
  'ORDERS.REVENUE',
  'orders.révenue',
  '__proto__.polluted',
  'constructor.prototype',
  `${SECRET_TABLE}.s`,
  'duckdb_settings.value',
  'information_schema.tables',
  'etl_runs.job',
  'dim_customer.email',
  'orders.revenue\u0000',
  'a'.repeat(5000),
];

const OPERATORS = [
  'equals',
  'notEquals',
  'in',
  'notIn',
  'contains',
  'notContains',
  'startsWith',
  'notStartsWith',
  'endsWith',
  'notEndsWith',
  'gt',
  'gte',
  'lt',
  'lte',
  'set',
  'notSet',
  'inDateRange',
  'notInDateRange',
  'beforeDate',
  'beforeOrOnDate',
  'afterDate',
  'afterOrOnDate',
  'measureFilter',
];
const BAD_OPERATORS = ['like', 'EQUALS', "equals'; --", '', 'raw', '__proto__'];
const GRANULARITIES = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];
const BAD_GRANULARITIES = ['fortnight', 'DAY', "day'--", 'millennium', '', 'microsecond'];
const DATE_RANGES: unknown[] = [
  ['2025-01-01', '2025-12-31'],
  ['2026-01-01', '2026-06-30'],
  'last 12 months',
  'this year',
  'last quarter',
  'today',
  'from 7 days ago to now',
  ['2025-12-31', '2025-01-01'],
  ['2025-13-45', '2025-01-01'],
  ['0001-01-01', '9999-12-31'],
  ['-271821-04-20', '275760-09-13'],
  'last 1000000000 years',
  'last -5 days',
  'from yesterday to',
  'next 1e309 days',
  "last 3 months'; --",
  ['2025-01-01T00:00:00+25:00', '2025-01-02'],
  ['2025-01-01'],
  ['a', 'b'],
  [],
  '',
  42,
  null,
  { from: '2025-01-01' },
];
const LIMITS: unknown[] = [
  0,
  1,
  10,
  100,
  5000,
  50_000,
  50_001,
  1e9,
  -1,
  -1e9,
  1.5,
  Number.MAX_SAFE_INTEGER,
  1e300,
  '10',
  null,
  true,
];
const TIMEZONES: unknown[] = [
  'UTC',
  'Europe/Paris',
  'America/New_York',
  'Mars/Olympus',
  "UTC'; --",
  '+25:00',
  '',
  7,
];

interface Members {
  readonly measures: string[];
  readonly dimensions: string[];
  readonly times: string[];
  readonly segments: string[];
  readonly numeric: Set<string>;
}

function membersOf(model: Model, cube: string): Members {
  const c = model.cubes.get(cube)!;
  const dims = [...c.dimensions.values()].filter((d) => d.public);
  return {
    measures: [...c.measures.values()].filter((m) => m.public).map((m) => m.fullName),
    dimensions: dims.filter((d) => d.type !== 'time').map((d) => d.fullName),
    times: dims.filter((d) => d.type === 'time').map((d) => d.fullName),
    segments: [...c.segments.values()].filter((s) => s.public).map((s) => s.fullName),
    numeric: new Set(dims.filter((d) => d.type === 'number').map((d) => d.fullName)),
  };
}

/** Generates requests from a seeded random source: valid queries, then mutated ones. */
export class FuzzGenerator {
  private readonly cubes: string[];
  private readonly members = new Map<string, Members>();
  private readonly everyMember: string[];

  constructor(
    private readonly r: Rand,
    model: Model,
  ) {
    this.cubes = [...model.cubes.values()].filter((c) => c.public && c.measures.size > 0).map((c) => c.name);
    for (const c of model.cubes.keys()) this.members.set(c, membersOf(model, c));
    this.everyMember = [...this.members.values()].flatMap((m) => [
      ...m.measures,
      ...m.dimensions,
      ...m.times,
    ]);
  }

  next(): FuzzCase {
    const r = this.r;
    if (chance(r, 0.02)) return this.garbage();
    if (chance(r, 0.01)) return this.deep();
    const query = chance(r, 0.04)
      ? Array.from({ length: int(r, 0, chance(r, 0.2) ? 40 : 4) }, () => this.query())
      : this.query();
    return this.wrap(query);
  }

  private wrap(query: unknown): FuzzCase {
    const r = this.r;
    const route = pick(r, [
      '/v1/query',
      '/v1/query',
      '/v1/query',
      '/cubejs-api/v1/load',
      '/cubejs-api/v1/load',
      '/v1/sql',
      '/cubejs-api/v1/sql',
      '/cubejs-api/v1/dry-run',
    ]);
    const headers: Record<string, string> = {};
    if (!route.includes('sql') && !route.includes('dry-run') && chance(r, 0.2)) {
      headers['accept'] = pick(r, [
        'text/csv',
        'application/vnd.apache.arrow.stream',
        'text/html',
        'image/png',
      ]);
    }
    const answersSql = route.endsWith('/sql');
    if (chance(r, 0.3)) {
      const text = chance(r, 0.95) ? JSON.stringify(query) : `${JSON.stringify(query)}'`;
      return { method: 'GET', url: `${route}?query=${encodeURIComponent(text)}`, headers, answersSql };
    }
    const payload: Record<string, unknown> = { query };
    if (chance(r, 0.1)) payload['queryType'] = pick(r, ['multi', 'single', 1]);
    if (chance(r, 0.05)) payload['format'] = pick(r, ['csv', 'arrow', 'xml']);
    if (chance(r, 0.05)) payload['cache'] = pick(r, ['no-cache', NASTY[int(r, 0, NASTY.length - 1)]]);
    return { method: 'POST', url: route, payload, headers, answersSql };
  }

  private garbage(): FuzzCase {
    const r = this.r;
    const raw = pick(r, [
      '{',
      '{"query": }',
      'null',
      '[]',
      '"query"',
      '{"query": {"measures": ["orders.count"]}, "__proto__": {"polluted": 1}}',
      '{"query": {"measures": ["orders.count"], "constructor": {"prototype": {"x": 1}}}}',
      `{"query": ${'['.repeat(5000)}${']'.repeat(5000)}}`,
      '\u0000\u0001',
    ]);
    return {
      method: 'POST',
      url: pick(r, ['/v1/query', '/cubejs-api/v1/load', '/v1/sql']),
      raw,
      headers: { 'content-type': 'application/json' },
      answersSql: false,
    };
  }

  /**
   * JSON nested far deeper than any query needs (objects and lists mixed, as a whole body, as
   * the query, or as a `?query=` value): a recursive validator or JSON.stringify would overflow
   * its stack on it. Built as text: JSON.stringify cannot write such values either.
   */
  private deep(): FuzzCase {
    const r = this.r;
    const get = chance(r, 0.3);
    // A URL stays under Node's 16 KB limit on request heads.
    const depth = get ? int(r, 65, 1500) : pick(r, [65, 100, 1000, 5000, 20_000, int(r, 65, 50_000)]);
    const opens: string[] = [];
    for (let i = 0; i < depth; i++)
      opens.push(get || chance(r, 0.5) ? '[' : `{"${pick(r, ['and', 'or', 'query', 'x'])}":`);
    const closes = opens.map((o) => (o === '[' ? ']' : '}')).reverse();
    const leaf = pick(r, ['1', '"orders.count"', 'null', '{}', '[]']);
    const inner = `${opens.join('')}${leaf}${closes.join('')}`;
    const extra = leaf === '{}' || leaf === '[]' ? 1 : 0;
    const route = pick(r, ['/v1/query', '/cubejs-api/v1/load', '/v1/sql', '/cubejs-api/v1/dry-run']);
    if (get) {
      return {
        method: 'GET',
        url: `${route}?query=${encodeURIComponent(inner)}`,
        headers: {},
        answersSql: false,
        depth: depth + extra,
      };
    }
    const whole = chance(r, 0.3);
    return {
      method: 'POST',
      url: route,
      raw: whole ? inner : `{"query":${inner}}`,
      headers: { 'content-type': 'application/json' },
      answersSql: false,
      depth: depth + extra + (whole ? 0 : 1),
    };
  }

  /** A query that would run, then zero to three mutations of it. */
  query(): Record<string, unknown> {
    const r = this.r;
    const cube = pick(r, this.cubes);
    const m = this.members.get(cube)!;
    const q: Record<string, unknown> = {};
    const measures = Array.from({ length: int(r, 1, 2) }, () => pick(r, m.measures));
    if (chance(r, 0.85)) q['measures'] = [...new Set(measures)];
    const dims =
      m.dimensions.length > 0 ? Array.from({ length: int(r, 0, 2) }, () => pick(r, m.dimensions)) : [];
    if (dims.length > 0) q['dimensions'] = [...new Set(dims)];
    if (m.times.length > 0 && chance(r, 0.5)) {
      const td: Record<string, unknown> = { dimension: pick(r, m.times) };
      if (chance(r, 0.7)) td['granularity'] = pick(r, GRANULARITIES);
      if (chance(r, 0.6)) td['dateRange'] = pick(r, DATE_RANGES.slice(0, 7));
      q['timeDimensions'] = [td];
    }
    if (chance(r, 0.4) && m.dimensions.length > 0) q['filters'] = [this.filter(m, 0)];
    if (chance(r, 0.15) && m.segments.length > 0) q['segments'] = [pick(r, m.segments)];
    const ordered = [...((q['measures'] as string[]) ?? []), ...((q['dimensions'] as string[]) ?? [])];
    if (chance(r, 0.4) && ordered.length > 0) q['order'] = { [pick(r, ordered)]: pick(r, ['asc', 'desc']) };
    if (chance(r, 0.5)) q['limit'] = int(r, 1, 500);
    if (chance(r, 0.05)) q['total'] = true;
    if (chance(r, 0.05)) q['ungrouped'] = true;
    for (let i = int(r, 0, 3); i > 0; i--) this.mutate(q, m);
    return q;
  }

  private filter(m: Members, depth: number): Record<string, unknown> {
    const r = this.r;
    if (depth < 3 && chance(r, 0.2)) {
      return {
        [pick(r, ['and', 'or'])]: Array.from({ length: int(r, 1, 3) }, () => this.filter(m, depth + 1)),
      };
    }
    const member = pick(r, m.dimensions);
    const numeric = m.numeric.has(member);
    const operator = numeric
      ? pick(r, ['equals', 'gt', 'lt', 'gte', 'set'])
      : pick(r, ['equals', 'contains', 'startsWith', 'notEquals', 'set']);
    return operator === 'set'
      ? { member, operator }
      : {
          member,
          operator,
          values: [numeric ? String(int(r, 0, 100)) : pick(r, ['EU', 'a', 'Paris', 'b2b'])],
        };
  }

  private nasty(): unknown {
    const r = this.r;
    return pick(r, [
      () => pick(r, NASTY),
      () => int(r, -1e9, 1e9),
      () => pick(r, [1e308, -1e308, Number.MAX_SAFE_INTEGER, 0.1, -0]),
      () => pick(r, [true, false, null]),
      () => ({ nested: pick(r, NASTY) }),
      () => [pick(r, NASTY)],
    ])();
  }

  private mutate(q: Record<string, unknown>, m: Members): void {
    const r = this.r;
    const list = (key: string): unknown[] => {
      const v = Array.isArray(q[key]) ? (q[key] as unknown[]) : [];
      q[key] = v;
      return v;
    };
    const mutations: (() => void)[] = [
      () => list(pick(r, ['measures', 'dimensions', 'segments'])).push(pick(r, NASTY_MEMBERS)),
      () => list(pick(r, ['measures', 'dimensions'])).push(pick(r, this.everyMember)),
      () =>
        list('filters').push({
          member: pick(r, [...m.dimensions, ...NASTY_MEMBERS]),
          operator: pick(r, OPERATORS),
          values: Array.from({ length: int(r, 0, 3) }, () => this.nasty()),
        }),
      () =>
        list('filters').push({
          member: pick(r, m.dimensions.length ? m.dimensions : ['orders.count']),
          operator: pick(r, BAD_OPERATORS),
          values: ['x'],
        }),
      () =>
        list('filters').push({
          member: pick(r, m.measures),
          operator: pick(r, ['gt', 'measureFilter', 'equals']),
          values: [this.nasty()],
        }),
      () =>
        list('filters').push({
          member: pick(r, m.dimensions.length ? m.dimensions : ['orders.count']),
          operator: 'in',
          values: Array.from({ length: int(r, 100, 5000) }, (_, i) => `v${i}`),
        }),
      () => {
        // Deep nesting of and/or.
        let f: unknown = {
          member: pick(r, m.dimensions.length ? m.dimensions : ['orders.count']),
          operator: 'set',
        };
        for (let d = int(r, 5, chance(r, 0.3) ? 300 : 40); d > 0; d--) f = { [pick(r, ['and', 'or'])]: [f] };
        list('filters').push(f);
      },
      () =>
        list('filters').push(
          pick(r, [
            {},
            { and: [] },
            { or: 'x' },
            null,
            'filter',
            { member: 'orders.count' },
            { and: [{}], or: [{}] },
          ]),
        ),
      () => {
        q['limit'] = pick(r, LIMITS);
      },
      () => {
        q['offset'] = pick(r, [0, 10, -1, 1e9, 1e18, 1e300, Number.MAX_SAFE_INTEGER, 2 ** 63, '5', 0.5]);
      },
      () => {
        const td = {
          dimension: pick(r, [...m.times, ...NASTY_MEMBERS]),
          granularity: pick(r, [...GRANULARITIES, ...BAD_GRANULARITIES]),
          dateRange: pick(r, DATE_RANGES),
        };
        list('timeDimensions').push(td);
      },
      () => {
        const ranges = Array.from({ length: int(r, 0, chance(r, 0.2) ? 60 : 4) }, () =>
          pick(r, DATE_RANGES.slice(0, 8)),
        );
        q['timeDimensions'] = [
          {
            dimension: pick(r, m.times.length ? m.times : ['orders.ordered_at']),
            granularity: 'month',
            compareDateRange: ranges,
          },
        ];
      },
      () => {
        q['timezone'] = pick(r, TIMEZONES);
      },
      () => {
        q['order'] = pick(r, [
          { [pick(r, NASTY_MEMBERS)]: 'asc' },
          { [pick(r, this.everyMember)]: 'sideways' },
          [['x', 'asc']],
          'x',
          [[pick(r, this.everyMember), 'desc']],
        ]);
      },
      () => {
        q['measures'] = Array.from({ length: int(r, 100, 2000) }, () => pick(r, m.measures));
      },
      () => {
        q[pick(r, ['measures', 'dimensions', 'filters', 'timeDimensions', 'segments'])] = this.nasty();
      },
      () => {
        q[pick(r, ['total', 'ungrouped', 'renewQuery'])] = this.nasty();
      },
      () => {
        q['rollup'] = pick(r, [true, false, [pick(r, this.everyMember)], 'x', [pick(r, NASTY_MEMBERS)]]);
      },
      () => {
        q['pivot'] = pick(r, [{ rows: [pick(r, this.everyMember)], columns: [] }, { rows: 'x' }, {}]);
      },
      () => {
        q[pick(r, ['sql', 'extra', '__proto__', 'constructor'])] = pick(r, NASTY);
      },
    ];
    pick(r, mutations)();
  }
}

/** Every member name a query (or list of queries) asks for, with granularity suffixes. */
export function requestedColumns(query: unknown): Set<string> {
  // compareDateRange labels the parts of a compare query; __subtotal (JSON) and __grouping
  // (CSV, Arrow) mark the subtotal rows of a rollup.
  const out = new Set<string>(['compareDateRange', '__subtotal', '__grouping']);
  for (const q of Array.isArray(query) ? query : [query]) {
    if (q === null || typeof q !== 'object') continue;
    const o = q as Record<string, unknown>;
    for (const key of ['measures', 'dimensions']) {
      if (Array.isArray(o[key])) for (const m of o[key] as unknown[]) if (typeof m === 'string') out.add(m);
    }
    if (Array.isArray(o['timeDimensions'])) {
      for (const td of o['timeDimensions'] as Record<string, unknown>[]) {
        if (td && typeof td['dimension'] === 'string') {
          out.add(td['dimension']);
          if (typeof td['granularity'] === 'string') out.add(`${td['dimension']}.${td['granularity']}`);
        }
      }
    }
  }
  return out;
}
