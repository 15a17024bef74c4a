import type { TileDefinition } from '../../shared/builder-data';

/**
 * The builder's grid operations on a dashboard's tiles, pure (no DOM: the unit tests run them
 * in Node). The grid is the dashboards' own: 12 columns, a tile `width` 1–12 columns and
 * `height` 1–6 rows (src/dashboards/schema.ts); tiles flow in their order.
 */
export const COLUMNS = 12;
export const MAX_HEIGHT = 6;
const DEFAULT_WIDTH = 6;
const DEFAULT_HEIGHT = 2;

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

export const widthOf = (t: TileDefinition) => t.width ?? DEFAULT_WIDTH;
export const heightOf = (t: TileDefinition) => t.height ?? DEFAULT_HEIGHT;

/** Moves tile `index` by `delta` places (−1 earlier, +1 later); out-of-range moves change nothing. */
export function moveTile(tiles: readonly TileDefinition[], index: number, delta: number): TileDefinition[] {
  const to = index + delta;
  if (index < 0 || index >= tiles.length || to < 0 || to >= tiles.length) return [...tiles];
  const out = [...tiles];
  const [t] = out.splice(index, 1);
  out.splice(to, 0, t!);
  return out;
}

/** Changes tile `index`'s width and height by the given steps, kept on the grid. */
export function resizeTile(
  tiles: readonly TileDefinition[],
  index: number,
  dWidth: number,
  dHeight: number,
): TileDefinition[] {
  return tiles.map((t, i) =>
    i === index
      ? {
          ...t,
          width: clamp(widthOf(t) + dWidth, 1, COLUMNS),
          height: clamp(heightOf(t) + dHeight, 1, MAX_HEIGHT),
        }
      : t,
  );
}

export function removeTile(tiles: readonly TileDefinition[], index: number): TileDefinition[] {
  return tiles.filter((_, i) => i !== index);
}

/** A tile name (lower snake case) from a title, unique among `taken`: `Revenue by month` → `revenue_by_month`. */
export function tileName(title: string, taken: readonly string[]): string {
  const base =
    title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^[^a-z]+|_+$/g, '')
      .slice(0, 60) || 'tile';
  let name = base;
  for (let n = 2; taken.includes(name); n++) name = `${base}_${n}`;
  return name;
}

/** Adds a tile at the end, renamed if its name is taken. */
export function addTile(tiles: readonly TileDefinition[], tile: TileDefinition): TileDefinition[] {
  const names = tiles.map((t) => t.name);
  const name = names.includes(tile.name) ? tileName(tile.name, names) : tile.name;
  return [...tiles, { ...tile, name }];
}
