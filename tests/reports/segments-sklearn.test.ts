import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { segmentsReport } from '../../src/reports/segments/report';
import { ROOT } from '../helpers/demo';
import { onlineRetailWarehouse, reportContext } from '../helpers/reports';

/**
 * scikit-learn's KMeans (k-means++, n_init = 20) on the standardised log R, F, M of Online
 * Retail's customers, the features computed from the raw file in Python:
 * fixtures/segments-reference/make_reference.py.
 */
interface Reference {
  as_of: string;
  customers: number;
  features: { name: string; mean: number; sd: number }[];
  fits: { k: number; inertia: number; silhouette: number; cluster_sizes: number[] }[];
}

const REFERENCE: Reference = JSON.parse(
  readFileSync(join(ROOT, 'fixtures', 'segments-reference', 'online-retail-kmeans.json'), 'utf8'),
);

describe('segments against scikit-learn on Online Retail', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await onlineRetailWarehouse();
  });
  afterAll(() => engine.close());

  const run = (params: Record<string, unknown>) =>
    segmentsReport(reportContext(engine), { as_of: REFERENCE.as_of, limit: 0, ...params });

  it('clusters the same standardised features', async () => {
    const r = await run({ k: 2 });
    expect(r.population.customers).toBe(REFERENCE.customers);
    expect(r.features.map((f) => f.name)).toEqual(REFERENCE.features.map((f) => f.name));
    r.features.forEach((f, i) => {
      expect(f.transform).toBe('log1p');
      expect(f.mean).toBeCloseTo(REFERENCE.features[i]!.mean, 9);
      expect(f.sd).toBeCloseTo(REFERENCE.features[i]!.sd, 9);
    });
  });

  // Every customer is in the 10,000-customer sample; the starts run on the first 2,000 of them.
  it.each(REFERENCE.fits)('k = $k: inertia within 1%% of scikit-learn’s', async (ref) => {
    const r = await run({ k: ref.k });
    expect(r.sample.customers).toBe(REFERENCE.customers);
    expect(r.sample.subsample).toBe(2000);
    const excess = r.inertia! / ref.inertia - 1;
    console.info(
      `Online Retail k = ${ref.k}: inertia ${r.inertia!.toFixed(2)}, scikit-learn ${ref.inertia.toFixed(2)} (${(excess * 100).toFixed(3)} %)`,
    );
    expect(Math.abs(excess)).toBeLessThan(0.01);
    expect(r.clusters.reduce((s, c) => s + c.inertia, 0)).toBeCloseTo(r.inertia!, 6);
  });

  it('auto k picks scikit-learn’s best silhouette, estimated on the subsample', async () => {
    const r = await run({});
    const best = REFERENCE.fits.reduce((a, b) => (b.silhouette > a.silhouette ? b : a));
    expect(r.k).toBe(best.k);
    expect(r.inertia! / best.inertia - 1).toBeLessThan(0.01);
    // A silhouette on 2,000 of the 4,339 customers: a sample estimate of the exact one.
    for (const s of r.silhouettes) {
      const ref = REFERENCE.fits.find((f) => f.k === s.k)!;
      expect(Math.abs(s.silhouette! - ref.silhouette)).toBeLessThan(0.03);
    }
  });
});
