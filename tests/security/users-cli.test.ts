import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '../../src/engine';
import { addUser, revokeUser, userOfKey } from '../../src/server/auth/users';
import { rapport } from '../helpers/cli';
import { scratchDir } from '../helpers/warehouse';

describe('rapport users', () => {
  const scratch = scratchDir();
  const db = join(scratch.dir, 'w.duckdb');
  afterAll(() => scratch.remove());

  it('adds a user whose printed key works, lists without keys, revokes, and refuses bad input with a code', async () => {
    const added = await rapport([
      'users',
      'add',
      '--name',
      'ana',
      '--role',
      'analyst',
      '--attr',
      'region=Western Europe',
      '--db',
      db,
    ]);
    expect(added.status, added.stderr).toBe(0);
    const key = /API key \(shown once, store it now\): (rk_\S+)/.exec(added.stdout)?.[1];
    expect(key).toBeDefined();

    const list = await rapport(['users', 'list', '--json', '--db', db]);
    expect(list.stdout).not.toContain(key!);
    expect(JSON.parse(list.stdout)).toMatchObject([
      { name: 'ana', role: 'analyst', attributes: { region: 'Western Europe' }, revokedAt: null },
    ]);

    const engine = await DuckDbEngine.open({ path: db });
    try {
      expect(await userOfKey(engine, key!)).toEqual({
        name: 'ana',
        role: 'analyst',
        attributes: { region: 'Western Europe' },
      });
      const hashes = (await engine.query('SELECT hash, salt FROM rapport_users')).rows[0]!;
      expect(key).not.toContain(String(hashes['hash']));
    } finally {
      await engine.close();
    }

    expect((await rapport(['users', 'revoke', 'ana', '--db', db])).stdout).toBe('revoked 1 key of ana\n');

    // The mistakes, in process (each spawn of the CLI costs seconds).
    const engine2 = await DuckDbEngine.open({ path: db });
    try {
      expect(await userOfKey(engine2, key!)).toBeUndefined();
      await expect(revokeUser(engine2, 'ana')).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: 'no active user or key "ana"',
      });
      await expect(addUser(engine2, { name: 'x', role: 'root' })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        message: 'unknown role "root"; use one of admin, analyst, marketer, executive',
      });
    } finally {
      await engine2.close();
    }
  });
});
