/** Polynomials as coefficient arrays in ascending powers: [a0, a1, …, an] is a0 + a1·z + … + an·zⁿ. */

/** The product of two polynomials. */
export function polyMultiply(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(a.length + b.length - 1).fill(0);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === 0) continue;
    for (let j = 0; j < b.length; j++) out[i + j]! += a[i]! * b[j]!;
  }
  return out;
}

function trimmed(a: readonly number[]): number[] {
  let n = a.length - 1;
  while (n > 0 && a[n] === 0) n--;
  return a.slice(0, n + 1);
}

/**
 * Whether every root of the polynomial has modulus below `radius`, by the Schur–Cohn (Jury)
 * reduction: with p of degree n, |a0| < |an| and the roots of (an·p(z) − a0·zⁿp(1/z)) / z (degree
 * n − 1) inside, recursively. No root finding, O(n²). A polynomial without roots (a constant) passes.
 */
export function rootsInside(coefficients: readonly number[], radius = 1): boolean {
  let p = trimmed(coefficients.map((c, k) => c * radius ** k));
  while (p.length > 1) {
    const n = p.length - 1;
    const an = p[n]!;
    const a0 = p[0]!;
    if (!(Math.abs(a0) < Math.abs(an))) return false;
    const next = new Array<number>(n);
    let scale = 0;
    for (let k = 1; k <= n; k++) {
      next[k - 1] = an * p[k]! - a0 * p[n - k]!;
      scale = Math.max(scale, Math.abs(next[k - 1]!));
    }
    // Rescaled so that repeated products neither overflow nor underflow.
    p = next.map((c) => c / scale);
  }
  return true;
}

/** Whether every root of the polynomial has modulus above `radius` (e.g. a stationary AR polynomial). */
export function rootsOutside(coefficients: readonly number[], radius = 1): boolean {
  const p = trimmed(coefficients);
  if (p.length === 1) return true;
  if (p[0] === 0) return false;
  // The roots of the reversed polynomial zⁿp(1/z) are the reciprocals.
  return rootsInside([...p].reverse(), 1 / radius);
}
