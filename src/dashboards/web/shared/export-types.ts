/**
 * What an exported tile (SVG, PNG, CSV with context) says around its chart, so that it reads
 * on its own: the server works it out (it knows the clock, the model's labels and which filters
 * applied) and hands it to the browser with the tile's JSON. Types only.
 */
import type { FieldInfo, Kpi } from './tile-types';

export interface ExportContext {
  /** The dashboard's title. */
  readonly dashboard: string;
  /**
   * The period the tile's numbers cover, in words ("Jul 2025 – Jun 2026", "Jan 1 – Jun 30,
   * 2026 (to date)"); absent when no date range restricts the tile.
   */
  readonly period?: string;
  /** The dashboard filters that restricted the tile, for people: "Region: Northern Europe". */
  readonly filters: readonly string[];
  /** The titles of dashboard filters that are set but do not apply to the tile. */
  readonly ignored: readonly string[];
}

/** The parts of a tile's answer an export reads (the server's and the browser's types both fit). */
export interface ExportTile {
  readonly title: string;
  readonly chart: string;
  readonly width: number;
  readonly height: number;
  readonly spec?: Readonly<Record<string, unknown>>;
  readonly fields: readonly FieldInfo[];
  readonly kpi?: Kpi;
  /** The drill-down the tile shows, outermost first. */
  readonly drilled?: readonly { readonly member: string; readonly value: unknown }[];
}
