import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/demo';
import { scratchDir } from '../helpers/warehouse';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** `rapport serve` takes its limits from flags and from the environment. */
describe('rapport serve limit flags', () => {
  const scratch = scratchDir('rapport-serve-limits-');
  let child: ChildProcess;
  let url: string;
  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(
      process.execPath,
      [
        join(ROOT, 'bin', 'rapport.js'),
        'serve',
        '--db',
        join(scratch.dir, 'w.duckdb'),
        '--port',
        String(port),
        '--rate-limit',
        '2',
      ],
      { cwd: ROOT, env: { ...process.env, RAPPORT_MAX_ROWS: '3', LOG_LEVEL: 'warn' }, stdio: 'ignore' },
    );
    for (;;) {
      await new Promise((r) => setTimeout(r, 200));
      const up = await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
    }
  }, 60_000);
  afterAll(() => {
    child.kill('SIGKILL');
    scratch.remove();
  });

  it('applies --rate-limit and $RAPPORT_MAX_ROWS', async () => {
    const query = await fetch(`${url}/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: { dimensions: ['dates.year'], limit: 4 } }),
    });
    expect(query.status).toBe(400);
    expect(await query.json()).toMatchObject({ code: 'INVALID_QUERY', details: { maxLimit: 3 } });
    expect((await fetch(`${url}/v1/meta`)).status).toBe(200);
    const limited = await fetch(`${url}/v1/meta`);
    expect(limited.status).toBe(429);
    expect((await limited.json()) as unknown).toMatchObject({
      code: 'RATE_LIMITED',
      details: { limitPerMinute: 2 },
    });
  });
});
