import type { Command } from 'commander';
import type { AuditOptions } from './audit-run';

/** `rapport audit`: the latest entries of the audit log, newest first. */
export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('the audit log: who called which route, when, with what query, rows, duration and status')
    .option('--user <name>', 'only this user')
    .option('--limit <n>', 'entries to show', '50')
    .option('--db <path>', 'warehouse file')
    .option('--json', 'JSON output')
    .action(async (o: AuditOptions) => (await import('./audit-run')).audit(o));
}
