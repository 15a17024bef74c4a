import { resolve } from 'node:path';
import { formatTable } from '../../util/text-table';
import { projectRoot } from '../paths';
import { progress } from '../progress';

export interface GenerateOptions {
  seed: string;
  customers: string;
  out: string;
  start: string;
  end: string;
}

function positiveInt(name: string, value: string): number {
  const n = Number.parseInt(value, 10);
  if (!Number.isInteger(n) || n < 1 || String(n) !== value.trim())
    throw new Error(`${name} must be a positive integer, got ${value}`);
  return n;
}

// The generator and the source-system seeding are big and each is needed by one command only.
export async function generate(opts: GenerateOptions): Promise<void> {
  const { generateDemo } = await import('../../../fixtures/demo/generator/index');
  const bar = progress(100, 'demo');
  let summary: Awaited<ReturnType<typeof generateDemo>>;
  try {
    summary = await generateDemo({
      seed: positiveInt('--seed', opts.seed),
      customers: positiveInt('--customers', opts.customers),
      out: resolve(projectRoot(), opts.out),
      start: opts.start,
      end: opts.end,
      onProgress: (step, done, total) => bar.update(Math.round((100 * done) / Math.max(total, 1)), step),
    });
  } finally {
    bar.stop();
  }
  console.log(formatTable(summary.files.map((f) => ({ file: f.path, rows: f.rows }))));
}

export async function seedSources(opts: { postgres: string; mysql: string }): Promise<void> {
  const { seedDemoSources } = await import('../demo-sources/seed');
  const results = await seedDemoSources({
    root: projectRoot(),
    postgres: opts.postgres,
    mysql: opts.mysql,
    onTable: (t, kept) => process.stderr.write(`${t.system} ${t.table}: ${kept} rows\n`),
  });
  console.log(
    formatTable(
      results.map((r) => ({
        system: r.system,
        table: r.table,
        rows: r.rows,
        'left out (unstorable dirt)': r.dropped,
      })),
    ),
  );
}
