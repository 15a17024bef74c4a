import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest, sha256 } from './support/read-export';
import { generateSmall } from './support/small-demo';

describe('demo generator determinism', () => {
  let first: string;
  let second: string;
  let otherSeed: string;

  beforeAll(async () => {
    first = await generateSmall(7);
    second = await generateSmall(7);
    otherSeed = await generateSmall(8);
  });

  afterAll(() => {
    for (const dir of [first, second, otherSeed]) rmSync(dir, { recursive: true, force: true });
  });

  it('writes byte-identical files for the same options', () => {
    const paths = [...readManifest(first).files.map((f) => f.path), 'MANIFEST.json'];
    expect(paths.length).toBe(11);
    for (const path of paths) expect(sha256(join(second, path)), path).toBe(sha256(join(first, path)));
  });

  it('writes different data for a different seed', () => {
    for (const { path } of readManifest(first).files) {
      // Employees are fixed seats, but their names come from the seed too.
      expect(sha256(join(otherSeed, path)), path).not.toBe(sha256(join(first, path)));
    }
  });

  it('writes gzip without a timestamp or file name', () => {
    for (const { path } of readManifest(first).files.filter((f) => f.path.endsWith('.gz'))) {
      const bytes = readFileSync(join(first, path));
      expect(bytes.readUInt32LE(4), `${path} mtime`).toBe(0);
      expect(bytes[3] ?? 0, `${path} flags`).toBe(0);
      expect(gunzipSync(bytes).length).toBeGreaterThan(0);
    }
  });
});
