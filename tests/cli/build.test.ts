import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isFresh, OUT_DIR } from '../../scripts/build.mjs';
import { ROOT, rapport } from '../helpers/cli';

function build(): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('the CLI build (scripts/build.mjs)', () => {
  it('two builds at once both succeed and leave a complete, fresh build that runs', async () => {
    const results = await Promise.all([build(), build(), rapport(['--help'])]);
    for (const r of results) expect(r.status, r.stderr).toBe(0);
    expect(isFresh()).toBe(true);
    const entry = /import '\.\/(main-[A-Z0-9]+\.js)'/.exec(
      readFileSync(join(OUT_DIR, 'main.js'), 'utf8'),
    )?.[1];
    expect(entry && existsSync(join(OUT_DIR, entry))).toBe(true);
    const r = await rapport(['etl', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: rapport etl/);
  });
});
