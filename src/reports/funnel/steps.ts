import { AppError } from '../../errors';
import type { Model } from '../../model/types';
import { cast, fn, list, param, paren, type SqlNode, sql } from '../../sql';
import { compileEventFilters } from '../common/event-filters';
import type { FunnelStep } from './params';

/** At most this many differently filtered steps of one event (their subsets are checked). */
export const MAX_CLASSES_PER_EVENT = 5;

export interface CompiledStep {
  /** 1-based. */
  readonly index: number;
  readonly event: string;
  readonly label: string;
  /** The step's filters as one condition over the source cube's alias, if any. */
  readonly condition?: SqlNode;
  /** Steps with equal keys match exactly the same rows. */
  readonly classKey: string;
}

/**
 * A Hall constraint: a set P of step classes of one event. Steps m+1..k can be matched to
 * distinct rows of a set of rows iff, for every constraint, the rows matching a step of P are
 * at least as many as the steps of P among m+1..k (Hall's theorem; rows of different events
 * never match the same step, so subsets mixing events are implied by these).
 */
export interface Constraint {
  /** Bits of the steps whose class is in P. */
  readonly mask: number;
  /** Their 1-based indexes, ascending. */
  readonly positions: readonly number[];
}

export interface CompiledSteps {
  readonly steps: readonly CompiledStep[];
  /** Distinct events of the steps. */
  readonly events: readonly string[];
  /** Every row matches at most one step (no event is named by two steps). */
  readonly singleStep: boolean;
  readonly constraints: readonly Constraint[];
}

export const bit = (index: number): number => 1 << (index - 1);
/** An integer constant, bound as a typed parameter. */
export const int = (n: number): SqlNode => param(n, 'INTEGER');

/** `count(*)` of the rows where `condition` holds (a FILTER clause both engines read). */
export const countIf = (condition: SqlNode): SqlNode => sql`count(CASE WHEN ${condition} THEN 1 END)`;

/**
 * Whether `x` (a non-negative step mask) has any bit of `mask`: one AND, where a test per bit
 * (x % 2b >= b, a division each) cost 1.2 s of CPU over the 14.6M step rows of the bench.
 */
export function hasBits(x: SqlNode, mask: number): SqlNode {
  return sql`${fn.bitAnd(x, int(mask))} <> 0`;
}

/** Resolves and compiles the steps' filters; groups steps into classes and Hall constraints. */
export function compileSteps(
  model: Model,
  source: string,
  steps: readonly FunnelStep[],
  timezone: string | undefined,
  now: Date,
): CompiledSteps {
  const compiled = steps.map((s, i): CompiledStep => {
    const condition = compileEventFilters(model, source, s.filters, `steps.${i}.filters`, timezone, now);
    return {
      index: i + 1,
      event: s.event,
      label: s.label ?? s.event,
      ...(condition === undefined ? {} : { condition }),
      classKey: `${s.event}\u0000${JSON.stringify(s.filters)}`,
    };
  });
  const events = [...new Set(compiled.map((s) => s.event))];
  const constraints: Constraint[] = [];
  for (const event of events) {
    const ofEvent = compiled.filter((s) => s.event === event);
    const classes = [...new Set(ofEvent.map((s) => s.classKey))];
    if (classes.length > MAX_CLASSES_PER_EVENT) {
      throw new AppError(
        'VALIDATION_FAILED',
        `steps: at most ${MAX_CLASSES_PER_EVENT} differently filtered steps of one event (${event} has ${classes.length})`,
      );
    }
    for (let subset = 1; subset < 1 << classes.length; subset++) {
      const chosen = new Set(classes.filter((_, j) => (subset >> j) & 1));
      const positions = ofEvent.filter((s) => chosen.has(s.classKey)).map((s) => s.index);
      constraints.push({ mask: positions.reduce((m, p) => m | bit(p), 0), positions });
    }
  }
  return { steps: compiled, events, singleStep: events.length === compiled.length, constraints };
}

/**
 * The step mask of a row: bit i−1 set when the row matches step i. One CASE on the event
 * column, so rows of other events cost one comparison.
 */
export function maskExpr(c: CompiledSteps, eventColumn: SqlNode): SqlNode {
  const whens = c.events.map((event) => {
    const steps = c.steps.filter((s) => s.event === event);
    const parts = steps.map((s) =>
      s.condition === undefined
        ? int(bit(s.index))
        : sql`CASE WHEN ${s.condition} THEN ${int(bit(s.index))} ELSE 0 END`,
    );
    // The parts are distinct bits (or 0), so their sum is their union.
    const value = parts.length === 1 ? parts[0]! : paren(list(parts, ' + '));
    return sql`WHEN ${event} THEN ${value}`;
  });
  return cast(sql`CASE ${eventColumn} ${list(whens, ' ')} ELSE 0 END`, 'integer');
}

/** c_P(k): the steps among 1..k whose class is in P. */
export function countUpTo(p: Constraint, k: number): number {
  return p.positions.filter((x) => x <= k).length;
}
