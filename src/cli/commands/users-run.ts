import { addUser, listUsers, parseAttributes, revokeUser } from '../../server/auth/users';
import { formatTable } from '../../util/text-table';
import { withWarehouse } from '../context';

export interface AddOptions {
  name: string;
  role: string;
  attr: string[];
  db?: string;
  json?: boolean;
}

export async function add(o: AddOptions): Promise<void> {
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
}

export async function list(o: { db?: string; json?: boolean }): Promise<void> {
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
}

export async function revoke(who: string, o: { db?: string }): Promise<void> {
  const n = await withWarehouse(o.db, (engine) => revokeUser(engine, who));
  process.stdout.write(`revoked ${n} key${n === 1 ? '' : 's'} of ${who}\n`);
}
