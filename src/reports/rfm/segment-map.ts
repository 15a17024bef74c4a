import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { AppError } from '../../errors';
import { PACKAGE_ROOT } from '../../util/package-root';

const Range = z
  .tuple([z.number().int().min(1), z.number().int().min(1)])
  .refine(([a, b]) => a <= b, 'a range is [low, high]');

export const SegmentRowSchema = z
  .object({ segment: z.string().min(1), r: Range.optional(), f: Range.optional(), m: Range.optional() })
  .strict();

export const SegmentMapSchema = z
  .object({ name: z.string().optional(), segments: z.array(SegmentRowSchema).min(1) })
  .strict();

export type SegmentRow = z.infer<typeof SegmentRowSchema>;
export type SegmentMap = z.infer<typeof SegmentMapSchema>;

const DIR = join(PACKAGE_ROOT, 'src', 'reports', 'rfm', 'segment-maps');
export const BUILT_IN_MAPS = ['default', 'rfm-package'] as const;

/** A built-in map by name (YAML files next to this module). */
export function builtInMap(name: (typeof BUILT_IN_MAPS)[number]): SegmentMap {
  return SegmentMapSchema.parse(parse(readFileSync(join(DIR, `${name}.yml`), 'utf8')));
}

/** Checks a map against the score range: every bound within 1..bins. */
export function checkMap(map: SegmentMap, bins: number): SegmentMap {
  for (const row of map.segments) {
    for (const key of ['r', 'f', 'm'] as const) {
      const range = row[key];
      if (range && range[1] > bins) {
        throw new AppError(
          'VALIDATION_FAILED',
          `segment map: ${row.segment} asks ${key} up to ${range[1]}, but scores go to ${bins}`,
        );
      }
    }
  }
  return map;
}

/** The segment of one score triple: first matching row wins, no match is "Others". */
export function segmentOf(map: SegmentMap, r: number, f: number, m: number): string {
  const inside = (v: number, range?: readonly [number, number]) => !range || (v >= range[0] && v <= range[1]);
  return map.segments.find((s) => inside(r, s.r) && inside(f, s.f) && inside(m, s.m))?.segment ?? 'Others';
}
