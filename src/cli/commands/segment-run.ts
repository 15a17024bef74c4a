import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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
import { formatTable } from '../../util/text-table';
import { clockOf, projectRoot, withWarehouse } from '../context';

export interface SaveOptions {
  db?: string;
  definition?: string;
  rfm?: string;
  cells?: string;
  cluster?: string;
  cohort?: string;
  query?: string;
  path?: string;
  breakdownValue?: string;
  params?: string;
  description?: string;
  replace?: boolean;
}

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
  if (o.path) {
    return {
      source: 'paths',
      params,
      path: o.path.split(',').map((s) => s.trim()),
      ...(o.breakdownValue === undefined ? {} : { breakdown_value: o.breakdownValue }),
    };
  }
  throw new AppError(
    'VALIDATION_FAILED',
    'say what the segment is: --rfm, --cells, --cluster, --cohort, --query, --path or --definition',
  );
}

export async function save(name: string, o: SaveOptions): Promise<void> {
  const saved = await withContext(o.db, (ctx) =>
    saveSegment(ctx, {
      name,
      description: o.description,
      definition: definitionFrom(o),
      replace: o.replace ?? false,
    }),
  );
  console.log(formatTable([{ ...saved, definition: saved.definition.source }]));
}

export async function list(o: { db?: string }): Promise<void> {
  const all = await withContext(o.db, (ctx) => listSegments(ctx));
  console.log(formatTable(all.map((s) => ({ ...s, definition: s.definition.source }))));
}

export async function refresh(id: string, o: { db?: string }): Promise<void> {
  const s = await withContext(o.db, (ctx) => refreshSegment(ctx, id));
  console.log(formatTable([{ ...s, definition: s.definition.source }]));
}

export async function remove(id: string, o: { db?: string }): Promise<void> {
  await withContext(o.db, (ctx) => deleteSegment(ctx, id));
  console.log(`deleted ${id}`);
}

export async function exportMembers(id: string, o: { db?: string; out?: string }): Promise<void> {
  await withContext(o.db, async (ctx, engine) => {
    const sql = await membersExport(ctx, id);
    const out = o.out ? createWriteStream(o.out) : process.stdout;
    await pipeline(Readable.from(engine.stream(sql, 'csv')), out, { end: out !== process.stdout });
  });
}
