import type { Command } from 'commander';

const impl = () => import('./questions-run');

export function registerQuestions(program: Command): void {
  const questions = program.command('questions').description('saved questions: Explore queries under a name');
  questions
    .command('list')
    .description('the saved questions')
    .option('--db <path>', 'warehouse file')
    .option('--search <text>', 'only those whose name or description contains it')
    .action(async (o: { db?: string; search?: string }) => (await impl()).list(o));
  questions
    .command('add')
    .description('save a query as a question (validated as POST /v1/query validates it)')
    .argument('<name>', 'the question name')
    .requiredOption('--query <json>', 'the cube query, e.g. {"measures":["orders.revenue"]}')
    .option('--description <text>', 'a description')
    .option('--chart <json>', 'chart settings, e.g. {"measure":"orders.revenue"}')
    .option('--db <path>', 'warehouse file')
    .action(async (name: string, o: { query: string; description?: string; chart?: string; db?: string }) =>
      (await impl()).add(name, o),
    );
  questions
    .command('show')
    .description('one question as JSON')
    .argument('<id>', 'the question id')
    .option('--db <path>', 'warehouse file')
    .action(async (id: string, o: { db?: string }) => (await impl()).show(id, o));
  questions
    .command('run')
    .description('run a question and print its rows')
    .argument('<id>', 'the question id')
    .option('--format <format>', 'table or json', 'table')
    .option('--db <path>', 'warehouse file')
    .action(async (id: string, o: { db?: string; format: string }) => (await impl()).run(id, o));
  questions
    .command('delete')
    .description('delete a question with its alerts')
    .argument('<id>', 'the question id')
    .option('--db <path>', 'warehouse file')
    .action(async (id: string, o: { db?: string }) => (await impl()).remove(id, o));
}
