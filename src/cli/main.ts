import { Command, CommanderError } from 'commander';
import { AppError } from '../errors';
import { registerAlerts } from './commands/alerts';
import { registerAudit } from './commands/audit';
import { registerCheck } from './commands/check';
import { registerCustomer } from './commands/customer';
import { registerDashboard } from './commands/dashboard';
import { registerDemo } from './commands/demo';
import { registerEtl } from './commands/etl';
import { registerPublish } from './commands/publish';
import { registerQuery } from './commands/query';
import { registerQuestions } from './commands/questions';
import { registerReport } from './commands/report';
import { registerSegment } from './commands/segment';
import { registerServe } from './commands/serve';
import { registerSubscriptions } from './commands/subscriptions';
import { registerUsers } from './commands/users';

// A closed pipe (`rapport … | head`) ends the output; it is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const program = new Command('rapport')
  .description('rapport: an analytical CRM and OLAP reporting engine on DuckDB')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

registerEtl(program);
registerCheck(program);
registerDashboard(program);
registerDemo(program);
registerQuery(program);
registerReport(program);
registerSegment(program);
registerQuestions(program);
registerAlerts(program);
registerSubscriptions(program);
registerCustomer(program);
registerServe(program);
registerPublish(program);
registerUsers(program);
registerAudit(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode;
  } else if (e instanceof AppError) {
    process.stderr.write(`error ${e.code}: ${e.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    if (process.env['DEBUG']) process.stderr.write(`${(e as Error).stack}\n`);
    process.exitCode = 1;
  }
}
