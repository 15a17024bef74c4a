import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rapport } from '../helpers/cli';
import { readManifest, sha256 } from './support/read-export';

const COMMITTED = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/demo');

describe('committed demo data', () => {
  let fresh: string;

  beforeAll(async () => {
    fresh = mkdtempSync(join(tmpdir(), 'rapport-demo-default-'));
    // Through the CLI, in a child process: the generation is seconds of synchronous work that
    // would otherwise block this test worker's event loop.
    const r = await rapport(['demo', 'generate', '--out', fresh]);
    expect(r.status, r.stderr).toBe(0);
  }, 180_000);

  afterAll(() => rmSync(fresh, { recursive: true, force: true }));

  it('was generated with the default options', () => {
    expect(readManifest(COMMITTED).options).toEqual({
      seed: 42,
      customers: 5000,
      start: '2024-01-01',
      end: '2026-05-14',
    });
  });

  it('equals a fresh generation with the default options, file by file', () => {
    const manifest = readManifest(COMMITTED);
    expect(manifest.files.length).toBe(10);
    for (const { path } of manifest.files) {
      expect(existsSync(join(COMMITTED, path)), path).toBe(true);
      expect(sha256(join(COMMITTED, path)), `${path} differs: run npx tsx fixtures/demo/regenerate.ts`).toBe(
        sha256(join(fresh, path)),
      );
    }
    expect(sha256(join(COMMITTED, 'MANIFEST.json'))).toBe(sha256(join(fresh, 'MANIFEST.json')));
  });
});
