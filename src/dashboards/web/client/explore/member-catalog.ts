import type { Meta } from '../api-types';

export type MemberKind = 'measure' | 'dimension' | 'time' | 'segment';

export interface CatalogMember {
  readonly name: string;
  readonly title: string;
  readonly shortTitle: string;
  readonly kind: MemberKind;
  readonly type: string;
  readonly format?: string;
  readonly description?: string;
  readonly cube: string;
}

export interface CatalogCube {
  readonly name: string;
  readonly title: string;
  readonly members: readonly CatalogMember[];
}

/** `/v1/meta` indexed by member name, grouped by cube. */
export class MemberCatalog {
  readonly cubes: readonly CatalogCube[];
  private readonly byName = new Map<string, CatalogMember>();

  constructor(meta: Meta) {
    this.cubes = meta.cubes.map((c) => {
      const member =
        (kind: MemberKind) =>
        (m: Meta['cubes'][number]['measures'][number]): CatalogMember => ({
          name: m.name,
          title: m.title,
          shortTitle: m.shortTitle ?? m.title,
          kind: kind === 'dimension' && m.type === 'time' ? 'time' : kind,
          type: m.type ?? (kind === 'measure' ? 'number' : 'string'),
          format: m.format,
          description: m.description,
          cube: c.name,
        });
      return {
        name: c.name,
        title: c.title,
        members: [
          ...c.measures.map(member('measure')),
          ...c.dimensions.map(member('dimension')),
          ...c.segments.map(member('segment')),
        ],
      };
    });
    for (const c of this.cubes) for (const m of c.members) this.byName.set(m.name, m);
  }

  get(name: string): CatalogMember | undefined {
    return this.byName.get(name);
  }

  /** A member's title for labels; a time bucket (`cube.time.month`) reads "Ordered At (month)". */
  title(name: string): string {
    const m = this.byName.get(name);
    if (m) return m.title;
    const cut = name.lastIndexOf('.');
    const base = this.byName.get(name.slice(0, cut));
    return base ? `${base.title} (${name.slice(cut + 1)})` : name;
  }

  /** Members of one kind (or any of several), across cubes. */
  all(...kinds: MemberKind[]): CatalogMember[] {
    return this.cubes.flatMap((c) => c.members.filter((m) => kinds.includes(m.kind)));
  }
}

/** Whether a member matches a search: every word in its name, title or cube's title. */
export function matches(m: CatalogMember, cubeTitle: string, search: string): boolean {
  const hay = `${m.name} ${m.title} ${cubeTitle}`.toLowerCase();
  return search
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}
