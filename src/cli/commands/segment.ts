import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { Engine } from '../../engine';
import { AppError } from '../../errors';
import { loadModel } from '../../model/load';
import type { ReportContext } from '../../reports/common/context';
import {
  deleteSegment,
  listSegments,
  membersExport,
  refreshSegment,
  saveSegment,
} from '../../reports/target-groups/store';
import { clockOf, projectRoot, withWarehouse } from '../context';
import { formatTable } from '../table';

function json(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError('VALIDATION_FAILED', `${what} is not JSON: ${(e as Error).message}`);
  }
}

async function withContext<T>(
  db: string | undefined,
  body: (ctx: ReportContext, engine: Engine) => Promise<T>,
): Promise<T> {
  const model = loadModel(join(projectRoot(), 'cubes'));
  return withWarehouse(db, async (engine) =>
    body({ engine, model, now: (await clockOf(engine)).now }, engine),
  );
}

interface SaveOptions {
  db?: string;
  definition?: string;
  rfm?: string;
  cells?: string;
  cluster?: string;
  cohort?: string;
  query?: string;
  params?: string;
  description?: string;
  replace?: boolean;
}

/** A definition from the convenience flags, or from --definition JSON. */
function definitionFrom(o: SaveOptions): unknown {
  if (o.definition) return json(o.definition, '--definition');
  const params = o.params ? json(o.params, '--params') : {};
  if (o.rfm || o.cells) {
    return {
      source: 'rfm',
      params,
      segments: o.rfm?.split(',').map((s) => s.trim()),
      cells: o.cells?.split(','),
    };
  }
  if (o.cluster !== undefined) return { source: 'cluster', params, cluster: Number(o.cluster) };
  if (o.cohort) return { source: 'cohort', params, cohort: o.cohort };
  if (o.query) return { source: 'query', query: json(o.query, '--query') };
  throw new AppError(
    'VALIDATION_FAILED',
    'say what the segment is: --rfm, --cells, --cluster, --cohort, --query or --definition',
  );
}

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
    .option('--params <json>', "the report's parameters (population, as_of …)")
    .option('--definition <json>', 'the whole definition as JSON (see POST /v1/segments)')
    .option('--description <text>', 'a description')
    .option('--replace', 'overwrite a segment of the same name')
    .action(async (name: string, o: SaveOptions) => {
      const saved = await withContext(o.db, (ctx) =>
        saveSegment(ctx, {
          name,
          description: o.description,
          definition: definitionFrom(o),
          replace: o.replace ?? false,
        }),
      );
      console.log(formatTable([{ ...saved, definition: saved.definition.source }]));
    });
  segment
    .command('list')
    .description('the saved segments')
    .option('--db <path>', 'warehouse file')
    .action(async (o: { db?: string }) => {
      const all = await withContext(o.db, (ctx) => listSegments(ctx));
      console.log(formatTable(all.map((s) => ({ ...s, definition: s.definition.source }))));
    });
  segment
    .command('refresh')
    .description("recompute a segment's members from its definition")
    .argument('<segment>', 'id or name')
    .option('--db <path>', 'warehouse file')
    .action(async (id: string, o: { db?: string }) => {
      const s = await withContext(o.db, (ctx) => refreshSegment(ctx, id));
      console.log(formatTable([{ ...s, definition: s.definition.source }]));
    });
  segment
    .command('delete')
    .description('delete a segment and its members')
    .argument('<segment>', 'id or name')
    .option('--db <path>', 'warehouse file')
    .action(async (id: string, o: { db?: string }) => {
      await withContext(o.db, (ctx) => deleteSegment(ctx, id));
      console.log(`deleted ${id}`);
    });
  segment
    .command('export')
    .description('the members with their contact fields, as CSV')
    .argument('<segment>', 'id or name')
    .option('--db <path>', 'warehouse file')
    .option('-o, --out <file>', 'write to a file')
    .action(async (id: string, o: { db?: string; out?: string }) => {
      await withContext(o.db, async (ctx, engine) => {
        const sql = await membersExport(ctx, id);
        const out = o.out ? createWriteStream(o.out) : process.stdout;
        await pipeline(Readable.from(engine.stream(sql, 'csv')), out, { end: out !== process.stdout });
      });
    });
}
