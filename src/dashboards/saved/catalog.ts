import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Engine } from '../../engine';
import { AppError } from '../../errors';
import type { Model } from '../../model/types';
import { parseYamlText } from '../../util/yaml-file';
import { loadDashboards, parseDashboard } from '../load';
import type { Dashboard } from '../schema';
import {
  deleteSavedDashboard,
  getSavedDashboard,
  listSavedDashboards,
  putSavedDashboard,
  type SavedDashboardRow,
} from './store';
import { validDashboard } from './validate';

/** Who asks: saved dashboards are changed by their maker or an admin. */
export interface Editor {
  readonly name: string;
  readonly role: string;
}

const ID = /^[a-z0-9][a-z0-9-]{0,79}$/;

/** A URL id from a title: `Q3 Revenue Review` → `q3-revenue-review`. */
export function dashboardId(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80)
    .replace(/-$/, '');
  if (!slug)
    throw new AppError('VALIDATION_FAILED', `the title "${title}" has no letters or digits to make an id of`);
  return slug;
}

function savedDashboard(row: SavedDashboardRow): Dashboard {
  const file = `user_dashboards/${row.id}`;
  return {
    ...parseDashboard({ file, data: row.definition, locate: () => ({ line: 0, column: 0 }) }, row.id),
    saved: { createdBy: row.createdBy, createdAt: row.createdAt, updatedAt: row.updatedAt },
  };
}

/**
 * Every dashboard: the shipped YAML files of `dashboards/` (read-only here) and those saved in
 * the application state (`user_dashboards`), one namespace of ids, rendered by the same code.
 */
export class DashboardCatalog {
  constructor(
    private readonly engine: Engine,
    private readonly dir: string,
    private readonly model: () => Model,
    private readonly now: () => Date = () => new Date(),
  ) {}

  shipped(): Dashboard[] {
    return loadDashboards(this.dir);
  }

  async saved(): Promise<Dashboard[]> {
    return (await listSavedDashboards(this.engine)).map(savedDashboard);
  }

  async all(): Promise<Dashboard[]> {
    return [...this.shipped(), ...(await this.saved())];
  }

  async find(id: string): Promise<Dashboard> {
    const shipped = this.shipped().find((d) => d.id === id);
    if (shipped) return shipped;
    const row = await getSavedDashboard(this.engine, id);
    if (!row) throw new AppError('NOT_FOUND', `no dashboard "${id}"`, { dashboard: id });
    return savedDashboard(row);
  }

  /** Creates a dashboard; its id is `id`, else one made from the title (with -2, -3… if taken). */
  async create(definition: unknown, editor: Editor, id?: string): Promise<Dashboard> {
    const taken = new Set((await this.all()).map((d) => d.id));
    let chosen: string;
    if (id !== undefined) {
      this.assertId(id);
      if (taken.has(id))
        throw new AppError('CONFLICT', `a dashboard "${id}" exists; pick another id or update it`, {
          dashboard: id,
        });
      chosen = id;
    } else {
      const base = dashboardId(titleOf(definition));
      chosen = base;
      for (let n = 2; taken.has(chosen); n++) chosen = `${base}-${n}`;
    }
    validDashboard({ json: definition }, this.model(), chosen, 'body');
    return this.put(chosen, definition as Record<string, unknown>, editor);
  }

  async update(id: string, definition: unknown, editor: Editor): Promise<Dashboard> {
    await this.assertMayChange(id, editor);
    validDashboard({ json: definition }, this.model(), id, 'body');
    return this.put(id, definition as Record<string, unknown>, editor);
  }

  async remove(id: string, editor: Editor): Promise<void> {
    await this.assertMayChange(id, editor);
    await deleteSavedDashboard(this.engine, id);
  }

  /** A saved dashboard's definition as it was given (the builder edits it). */
  async definition(id: string): Promise<Record<string, unknown>> {
    const row = await getSavedDashboard(this.engine, id);
    if (!row) throw new AppError('NOT_FOUND', `no saved dashboard "${id}"`, { dashboard: id });
    return row.definition;
  }

  /** The dashboard as a YAML file `rapport check` accepts: a shipped file as it is. */
  async exportYaml(id: string): Promise<string> {
    const d = await this.find(id);
    if (!d.saved) return readFileSync(d.file, 'utf8');
    const row = (await getSavedDashboard(this.engine, id))!;
    return `# dashboards/${id}.yml, exported from rapport (made by ${row.createdBy ?? 'unknown'})\n${stringify(row.definition, { lineWidth: 0 })}`;
  }

  /** A YAML text as a new dashboard, or replacing a saved one of that id when `replace`. */
  async importYaml(
    text: string,
    editor: Editor,
    options: { id?: string; replace?: boolean } = {},
  ): Promise<Dashboard> {
    const data = parseYamlText(text, 'yaml').data;
    const id = options.id ?? dashboardId(titleOf(data));
    this.assertId(id);
    const exists = (await this.all()).some((d) => d.id === id);
    if (exists && !options.replace) {
      throw new AppError('CONFLICT', `a dashboard "${id}" exists; pass replace: true or another id`, {
        dashboard: id,
      });
    }
    if (exists) await this.assertMayChange(id, editor);
    validDashboard({ yaml: text }, this.model(), id, 'yaml');
    return this.put(id, data as Record<string, unknown>, editor);
  }

  private async put(id: string, definition: Record<string, unknown>, editor: Editor): Promise<Dashboard> {
    return savedDashboard(await putSavedDashboard(this.engine, id, definition, editor.name, this.now()));
  }

  private assertId(id: string): void {
    if (!ID.test(id))
      throw new AppError(
        'VALIDATION_FAILED',
        `dashboard id "${id}": lower-case letters, digits and -, at most 80, starting with a letter or digit`,
      );
  }

  /** Shipped files are read-only here; a saved dashboard changes by its maker or an admin. */
  private async assertMayChange(id: string, editor: Editor): Promise<void> {
    const shipped = this.shipped().find((d) => d.id === id);
    if (shipped) {
      throw new AppError(
        'CONFLICT',
        `dashboard "${id}" is shipped as dashboards/${id}.yml and is read-only here: change the file, or import its YAML (GET /v1/dashboards/${id}/yaml) under another id and edit that copy`,
        { dashboard: id, shipped: true },
      );
    }
    const row = await getSavedDashboard(this.engine, id);
    if (!row) throw new AppError('NOT_FOUND', `no dashboard "${id}"`, { dashboard: id });
    if (editor.role !== 'admin' && row.createdBy !== editor.name) {
      throw new AppError(
        'FORBIDDEN',
        `dashboard "${id}" was made by ${row.createdBy ?? 'someone else'}: only its maker or an admin may change or delete it`,
        { dashboard: id, createdBy: row.createdBy },
      );
    }
  }
}

function titleOf(definition: unknown): string {
  const title = (definition as { title?: unknown } | null)?.title;
  if (typeof title !== 'string' || title.trim() === '')
    throw new AppError('VALIDATION_FAILED', 'a dashboard needs a title (a non-empty text)', {
      field: 'title',
    });
  return title;
}
