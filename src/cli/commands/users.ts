import type { Command } from 'commander';
import type { AddOptions } from './users-run';

const collect = (value: string, previous: string[]) => [...previous, value];

const impl = () => import('./users-run');

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
    .action(async (o: AddOptions) => (await impl()).add(o));

  users
    .command('list')
    .description('lists users and keys (never the keys themselves)')
    .option('--db <path>', 'warehouse file')
    .option('--json', 'JSON output')
    .action(async (o: { db?: string; json?: boolean }) => (await impl()).list(o));

  users
    .command('revoke')
    .description('revokes every key of a user name, or one key by its id')
    .argument('<name-or-key-id>')
    .option('--db <path>', 'warehouse file')
    .action(async (who: string, o: { db?: string }) => (await impl()).revoke(who, o));
}
