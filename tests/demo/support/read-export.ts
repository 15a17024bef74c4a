import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';

/** Reads the demo export back without any of the generator's code, as a loader would. */
export function readText(path: string): string {
  const raw = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
}

export function countDataLines(path: string): number {
  const text = readText(path);
  const lines = text.split('\n').filter((l) => l.length > 0).length;
  return path.includes('.csv') ? lines - 1 : lines;
}

/** RFC 4180: quoted fields may hold commas, doubled quotes and spaces. */
export function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field.length > 0 || record.length > 0) records.push([...record, field]);
  const [header, ...rows] = records;
  if (!header) return [];
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

export function readCsv(dir: string, path: string): Record<string, string>[] {
  return parseCsv(readText(join(dir, path)));
}

export function readJsonl(dir: string, path: string): Record<string, unknown>[] {
  return readText(join(dir, path))
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export async function queryParquet(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export interface Manifest {
  files: { path: string; rows: number }[];
  dirt: Record<string, Record<string, number>>;
  options: { seed: number; customers: number; start: string; end: string };
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'MANIFEST.json'), 'utf8')) as Manifest;
}

/** `YYYY-MM-DD HH:MM:SS` or ISO with Z, only when it is a real calendar moment. */
export function parseMoment(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})Z?$/.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  return back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && h < 24 && mi < 60 && s < 60 ? ms : null;
}
