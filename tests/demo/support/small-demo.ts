import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from '../../../fixtures/demo/generator/index';

/** A small, fast generation: 300 customers over six months. */
export const SMALL = { customers: 300, start: '2025-01-01', end: '2025-06-30' } as const;

export async function generateSmall(seed = 7): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'rapport-demo-'));
  await generateDemo({ ...SMALL, seed, out });
  return out;
}
