import type { Command } from 'commander';
import type { SaveOptions } from './segment-run';

const impl = () => import('./segment-run');

export function registerSegment(program: Command): void {
  const segment = program
    .command('segment')
    .description('saved segments (target groups): named customer lists');
  segment
    .command('save')
    .description('save a customer list from a report slice or a cube query')
    .argument('<name>', 'the segment name')
    .option('--db <path>', 'warehouse file')
    .option('--rfm <segments>', 'RFM segments, comma separated (e.g. Champions,At Risk)')
    .option('--cells <cells>', 'RFM cells, comma separated (e.g. 555,554)')
    .option('--cluster <n>', 'a k-means cluster')
    .option('--cohort <date>', 'a cohort (its first day, YYYY-MM-DD)')
    .option('--query <json>', 'a cube query with a customer_id dimension')
    .option(
      '--path <events>',
      'a path of the paths report, comma separated (e.g. visit,view_product,add_to_cart)',
    )
    .option(
      '--breakdown-value <value>',
      "with --path and a breakdown in --params: the path's breakdown value",
    )
    .option('--params <json>', "the report's parameters (population, as_of …)")
    .option('--definition <json>', 'the whole definition as JSON (see POST /v1/segments)')
    .option('--description <text>', 'a description')
    .option('--replace', 'overwrite a segment of the same name')
    .action(async (name: string, o: SaveOptions) => (await impl()).save(name, o));
  segment
    .command('list')
    .description('the saved segments')
    .option('--db <path>', 'warehouse file')
    .action(async (o: { db?: string }) => (await impl()).list(o));
  segment
    .command('refresh')
    .description("recompute a segment's members from its definition")
    .argument('<segment>', 'id or name')
    .option('--db <path>', 'warehouse file')
    .action(async (id: string, o: { db?: string }) => (await impl()).refresh(id, o));
  segment
    .command('delete')
    .description('delete a segment and its members')
    .argument('<segment>', 'id or name')
    .option('--db <path>', 'warehouse file')
    .action(async (id: string, o: { db?: string }) => (await impl()).remove(id, o));
  segment
    .command('export')
    .description('the members with their contact fields, as CSV')
    .argument('<segment>', 'id or name')
    .option('--db <path>', 'warehouse file')
    .option('-o, --out <file>', 'write to a file')
    .action(async (id: string, o: { db?: string; out?: string }) => (await impl()).exportMembers(id, o));
}
