/**
 * `npm run bench -- NAME [options]`: runs one benchmark. Benchmarks measure ratios against raw
 * DuckDB SQL for the same work; they are never timed assertions in the test suite.
 */
const BENCHES: Record<string, () => Promise<{ main: (args: string[]) => Promise<void> }>> = {
  access: () => import('./access'),
  clickhouse: () => import('./clickhouse'),
  etl: () => import('./etl'),
  insights: () => import('./insights'),
  load: () => import('./load'),
  query: () => import('./query'),
  reports: () => import('./reports'),
  sources: () => import('./sources'),
};

const [name, ...args] = process.argv.slice(2);
const load = name ? BENCHES[name] : undefined;
if (!load) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [options]\n`);
  process.exit(2);
}
await (await load()).main(args);

export {};
