/** The roles a user can have, from most to least powerful. */
export const ROLES = ['admin', 'analyst', 'marketer', 'executive'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

/** Who is asking: what access rules match on and what `{ securityContext.x }` reads. */
export interface SecurityContext {
  readonly name: string;
  readonly role: Role;
  /** Free attributes such as `region` or `employee_id` (JWT claims or `--attr` of `users add`). */
  readonly attributes: Readonly<Record<string, string>>;
}

/** A value of a row-level filter: a literal or an attribute of the user. */
export type PolicyValue =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'context'; readonly attribute: string };

export interface PolicyRowFilter {
  /** A dimension of the cube or of a cube it joins, `cube.member`. */
  readonly member: string;
  readonly operator: 'equals' | 'notEquals';
  readonly values: readonly PolicyValue[];
}

/**
 * One entry of a cube's `access_policy`. A policy is a restriction: when it matches the user
 * (role and conditions) its row filters narrow the cube's rows and its member rules hide members.
 */
export interface AccessPolicy {
  readonly roles: readonly string[];
  /** `if: "{ securityContext.x }"` (x is set) or `"{ !securityContext.x }"` (x is not set). */
  readonly conditions: readonly { readonly attribute: string; readonly negated: boolean }[];
  readonly rowFilters: readonly PolicyRowFilter[];
  /** Members the user may see (short names); undefined means all. */
  readonly includes?: readonly string[];
  readonly excludes: readonly string[];
  /** Where the policy is declared (kept here, not as types.ts's Origin, to avoid an import cycle). */
  readonly origin: { readonly file: string; readonly line: number };
}

/** A row filter with its dimension found and its values taken from the user. */
export interface ScopedRowFilter {
  /** The dimension filtered: a cube (the cube itself or one it joins) and its dimension's name. */
  readonly cube: string;
  readonly dimension: string;
  readonly operator: 'equals' | 'notEquals';
  /** Empty when the user lacks the attribute: an `equals` then matches no row. */
  readonly values: readonly string[];
}

/** What a model restricted to one user hides and filters. */
export interface AccessRestriction {
  /** A stable text naming the restriction, part of every cache key. */
  readonly key: string;
  /** Full names of the members the user may not see or name. */
  readonly hidden: ReadonlySet<string>;
  /** Per cube, conditions every row the user sees meets (all of them). */
  readonly rows: ReadonlyMap<string, readonly ScopedRowFilter[]>;
}
