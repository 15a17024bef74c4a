import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { type AuditEntry, AuditLog, rowsOf } from '../../src/server/auth/audit';
import { memoryWarehouse } from '../helpers/warehouse';

const entry = (user: string, body?: string): AuditEntry => ({
  at: new Date('2026-07-01T10:00:00Z'),
  user,
  role: 'analyst',
  method: 'POST',
  route: '/v1/query',
  url: '/v1/query',
  query: { query: { measures: ['orders.count'] } },
  body,
  durationMs: 12.5,
  status: 200,
});

describe('the audit log', () => {
  it('counts the rows of JSON answers, Cube multi-results included, and nothing else', () => {
    expect(rowsOf('{"data":[{"a":1},{"a":2}]}')).toBe(2);
    expect(rowsOf('{"results":[{"data":[1,2]},{"data":[3]}]}')).toBe(3);
    expect(rowsOf('a,b\n1,2\n')).toBeNull();
    expect(rowsOf('{"code":"FORBIDDEN"}')).toBeNull();
    expect(rowsOf(undefined)).toBeNull();
  });

  it('keeps entries when the warehouse is busy and writes them on the next flush', async () => {
    const engine = await memoryWarehouse();
    let busy = true;
    // An engine whose writes fail while "busy" (a load holding the warehouse), else the real one.
    const flaky = new Proxy(engine, {
      get(target, prop, receiver) {
        if (prop === 'query' && busy) return () => Promise.reject(new Error('database is busy'));
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as Engine;
    const warnings: string[] = [];
    const log = new AuditLog(flaky, (m) => warnings.push(m), 60_000);
    try {
      log.record(entry('ann', '{"data":[1,2,3]}'));
      log.record(entry('bob'));
      await log.flush();
      expect(warnings).toEqual(['audit log: write failed; will retry']);
      busy = false;
      log.record(entry('cy'));
      await log.close();
      const rows = (
        await engine.query(
          'SELECT user_name, rows, duration_ms, status, query FROM rapport_audit ORDER BY user_name',
        )
      ).rows;
      expect(rows.map((r) => [r['user_name'], r['rows'], r['duration_ms'], r['status']])).toEqual([
        ['ann', 3, 12.5, 200],
        ['bob', null, 12.5, 200],
        ['cy', null, 12.5, 200],
      ]);
      expect(JSON.parse(String(rows[0]!['query']))).toEqual({ query: { measures: ['orders.count'] } });
    } finally {
      await engine.close();
    }
  });
});
