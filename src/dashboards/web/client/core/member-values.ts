import type { MemberValues } from '../api-types';
import { getJson } from './api';

const cache = new Map<string, Promise<string[]>>();

/** A dimension's distinct values (optionally those containing `search`), cached per member and search. */
export function memberValues(member: string, search = '', limit = 200): Promise<string[]> {
  const key = JSON.stringify([member, search, limit]);
  let hit = cache.get(key);
  if (!hit) {
    const q = new URLSearchParams({ member, limit: String(limit) });
    if (search) q.set('search', search);
    hit = getJson<MemberValues>(`/v1/meta/values?${q}`).then((r) => r.values.map(String));
    hit.catch(() => cache.delete(key));
    cache.set(key, hit);
  }
  return hit;
}
