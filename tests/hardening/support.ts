import type { FastifyInstance } from 'fastify';

/**
 * Words only a database engine or a stack trace writes: an error body holding one leaks
 * internals. (The model's own member names never contain them.)
 */
export const ENGINE_TEXT =
  /Binder Error|Parser Error|Catalog Error|Conversion Error|Invalid Input Error|Out of Range Error|INTERNAL Error|Constraint Error|Serialization Error|TransactionContext|duckdb|SELECT\s|\bFROM\s+"|\bat\s+\S+\s+\(.*:\d+:\d+\)|node_modules|\.ts:\d+/i;

export async function waitFor(
  app: FastifyInstance,
  predicate: (health: { queries: { running: number; queued: number } }) => boolean,
): Promise<void> {
  for (;;) {
    const r = await app.inject({ method: 'GET', url: '/health' });
    if (predicate(r.json())) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A small seeded PRNG (mulberry32), so that a failing generated case reproduces from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
