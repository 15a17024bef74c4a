/**
 * Each tile's drill-down, kept in the page URL next to the filters so that Back, Forward, a
 * reload and a shared link show the same view. One parameter per drilled tile:
 *
 *     drill.revenue_by_region=customers.region:Southern Europe/customers.country:Spain
 *     drill.revenue_by_month=orders.ordered_at.month:2026-03-01
 *
 * Steps are `member:value`, outermost first, separated by `/`. In a value `~` is written `~~`
 * and `/` is written `~s`; a value that is not set (an unknown region) is `~null`. A time
 * bucket at midnight drops its `T00:00:00.000`. Members never hold `:`, so a value may.
 * This module has no DOM: the unit tests run it in Node.
 */

/** One click of a drill-down: the member clicked and its value (null: the row had none). */
export interface DrillValue {
  readonly member: string;
  readonly value: string | null;
}

export type DrillPaths = ReadonlyMap<string, readonly DrillValue[]>;

export const DRILL_PREFIX = 'drill.';
const MEMBER = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*(\.[a-z]+)?$/;
const TIME_MEMBER = /\.(second|minute|hour|day|week|month|quarter|year)$/;
const NULL = '~null';
const MIDNIGHT = 'T00:00:00.000';
const MAX_STEPS = 8;

/** A row's value as a drill value: text, or null when it has none. */
export function drillValue(member: string, value: unknown): DrillValue {
  return { member, value: value === null || value === undefined ? null : String(value) };
}

function encodeValue(member: string, value: string | null): string {
  if (value === null) return NULL;
  const short =
    TIME_MEMBER.test(member) && /^\d{4}-\d{2}-\d{2}T00:00:00\.000$/.test(value) ? value.slice(0, 10) : value;
  return short.replaceAll('~', '~~').replaceAll('/', '~s');
}

/** A drill path as the text of its URL parameter (before URL encoding). */
export function encodeDrillPath(path: readonly DrillValue[]): string {
  return path.map((s) => `${s.member}:${encodeValue(s.member, s.value)}`).join('/');
}

export class DrillPathError extends Error {
  override name = 'DrillPathError';
}

/** Splits on the `/`s that are not part of an escape; the steps keep their escapes. */
function splitSteps(text: string): string[] {
  const steps: string[] = [];
  let step = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '/') {
      steps.push(step);
      step = '';
    } else if (c === '~') {
      step += text.slice(i, i + 2);
      i++;
    } else step += c;
  }
  steps.push(step);
  return steps;
}

function unescapeValue(text: string): string {
  return text.replace(/~(.?)/gs, (sequence, c: string) => {
    if (c === '~') return '~';
    if (c === 's') return '/';
    throw new DrillPathError(`"${sequence}" is not an escape (write ~~ for ~, ~s for /, ~null for no value)`);
  });
}

/** The text of a drill parameter as a path; throws DrillPathError when it cannot be read. */
export function decodeDrillPath(text: string): DrillValue[] {
  if (text === '') throw new DrillPathError('the drill-down is empty');
  const steps = splitSteps(text);
  if (steps.length > MAX_STEPS) throw new DrillPathError(`more than ${MAX_STEPS} steps`);
  return steps.map((step) => {
    const colon = step.indexOf(':');
    const member = colon < 0 ? step : step.slice(0, colon);
    if (colon < 0 || !MEMBER.test(member)) throw new DrillPathError(`"${step}" is not member:value`);
    const raw = step.slice(colon + 1);
    if (raw === NULL) return { member, value: null };
    const value = unescapeValue(raw);
    return {
      member,
      value: TIME_MEMBER.test(member) && /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}${MIDNIGHT}` : value,
    };
  });
}

/** Why part of a URL's drill-down was left out. */
export interface DrillProblem {
  readonly tile: string;
  readonly message: string;
}

/** The drill paths of a URL query for the dashboard's tiles, and what could not be used. */
export function readDrills(
  search: string,
  tiles: readonly string[],
): { paths: Map<string, readonly DrillValue[]>; problems: DrillProblem[] } {
  const paths = new Map<string, readonly DrillValue[]>();
  const problems: DrillProblem[] = [];
  for (const [key, text] of new URLSearchParams(search)) {
    if (!key.startsWith(DRILL_PREFIX)) continue;
    const tile = key.slice(DRILL_PREFIX.length);
    if (!tiles.includes(tile)) {
      problems.push({ tile, message: 'the dashboard has no such tile' });
      continue;
    }
    try {
      paths.set(tile, decodeDrillPath(text));
    } catch (e) {
      if (!(e instanceof DrillPathError)) throw e;
      problems.push({ tile, message: e.message });
    }
  }
  return { paths, problems };
}

/** The URL parameters of the drilled tiles, in the dashboard's tile order. */
export function drillParams(paths: DrillPaths, tiles: readonly string[]): [string, string][] {
  return tiles
    .filter((t) => (paths.get(t)?.length ?? 0) > 0)
    .map((t) => [`${DRILL_PREFIX}${t}`, encodeDrillPath(paths.get(t)!)]);
}

/** Whether two paths are the same view. */
export function samePath(a: readonly DrillValue[], b: readonly DrillValue[]): boolean {
  return encodeDrillPath(a) === encodeDrillPath(b);
}
