import type { Command } from 'commander';
import { formatProblems } from '../../errors';
import { checkProject } from '../check-project';
import { projectRoot } from '../context';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('validate every YAML file in etl/, cubes/ and dashboards/ and report all problems at once')
    .option('--json', 'print the problems as JSON')
    .action((opts: { json?: boolean }) => {
      const { files, problems } = checkProject(projectRoot());
      if (opts.json) console.log(JSON.stringify({ files, problems }, null, 2));
      else if (problems.length === 0) console.log(`${files} files checked, no problems`);
      else
        console.log(`${formatProblems(problems)}\n\n${problems.length} problem(s) in ${files} files checked`);
      if (problems.length > 0) process.exitCode = 1;
    });
}
