import { formatProblems } from '../../errors';
import { checkProject } from '../check-project';
import { projectRoot } from '../paths';

export function check(opts: { json?: boolean }): void {
  const { files, problems } = checkProject(projectRoot());
  if (opts.json) console.log(JSON.stringify({ files, problems }, null, 2));
  else if (problems.length === 0) console.log(`${files} files checked, no problems`);
  else console.log(`${formatProblems(problems)}\n\n${problems.length} problem(s) in ${files} files checked`);
  if (problems.length > 0) process.exitCode = 1;
}
