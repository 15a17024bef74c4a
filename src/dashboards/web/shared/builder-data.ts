/**
 * What the dashboard builder's page hands its script (types only; the server shell and the
 * browser client share them). Definitions are the YAML schema as JSON (src/dashboards/schema.ts).
 */
export type TileDefinition = Record<string, unknown> & {
  readonly name: string;
  readonly title: string;
  width?: number;
  height?: number;
};

export interface LibraryDashboard {
  readonly id: string;
  readonly title: string;
  readonly tiles: readonly TileDefinition[];
}

export interface BuilderPageData {
  /** The saved dashboard being edited; absent for a new one. */
  readonly dashboard?: { readonly id: string; readonly definition: Record<string, unknown> };
  /** The shipped dashboards' tiles, to copy (report tiles among them). */
  readonly library: readonly LibraryDashboard[];
}
