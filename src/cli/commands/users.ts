import type { Command } from 'commander';
import { addUser, listUsers, parseAttributes, revokeUser } from '../../server/auth/users';
import { withWarehouse } from '../context';
import { formatTable } from '../table';

const collect = (value: string, previous: string[]) => [...previous, value];

/** `rapport users add|list|revoke`: API keys and the roles and attributes they carry. */
export function registerUsers(program: Command): void {
  const users = program
    .command('users')
    .description('API users: each has a role (admin, analyst, marketer, executive), attributes and a key');

  users
    .command('add')
    .description('adds a user and prints their API key (shown once; only its hash is stored)')
    .requiredOption('--name <name>', 'who the key is for')
    .requiredOption('--role <role>', 'admin | analyst | marketer | executive')
    .option('--attr <name=value>', 'an attribute access rules read, e.g. region=EU (repeatable)', collect, [])
    .option('--db <path>', 'warehouse file')
    .option('--json', 'print the user and key as JSON')
    .action(async (o: { name: string; role: string; attr: string[]; db?: string; json?: boolean }) => {
      const attributes = parseAttributes(o.attr);
      const { key, user } = await withWarehouse(o.db, (engine) =>
        addUser(engine, { name: o.name, role: o.role, attributes }),
      );
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ ...user, key }, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `added ${user.name} (${user.role}, key id ${user.keyId})\n` +
          `API key (shown once, store it now): ${key}\n` +
          'send it as: Authorization: Bearer <key>\n',
      );
    });

  users
    .command('list')
    .description('lists users and keys (never the keys themselves)')
    .option('--db <path>', 'warehouse file')
    .option('--json', 'JSON output')
    .action(async (o: { db?: string; json?: boolean }) => {
      const list = await withWarehouse(o.db, listUsers);
      if (o.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      const rows = list.map((u) => ({
        name: u.name,
        role: u.role,
        attributes: Object.entries(u.attributes)
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
        key_id: u.keyId,
        created: u.createdAt,
        revoked: u.revokedAt ?? '',
      }));
      process.stdout.write(
        rows.length === 0 ? 'no users: the server runs in local mode\n' : `${formatTable(rows)}\n`,
      );
    });

  users
    .command('revoke')
    .description('revokes every key of a user name, or one key by its id')
    .argument('<name-or-key-id>')
    .option('--db <path>', 'warehouse file')
    .action(async (who: string, o: { db?: string }) => {
      const n = await withWarehouse(o.db, (engine) => revokeUser(engine, who));
      process.stdout.write(`revoked ${n} key${n === 1 ? '' : 's'} of ${who}\n`);
    });
}
