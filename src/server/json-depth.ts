import { AppError } from '../errors';

/**
 * How deeply objects and arrays nest in a parsed JSON value: a scalar is 0, `{}` and `[]` are 1,
 * `{"a": [1]}` is 2. Iterative (an explicit stack), so a value nested far deeper than the call
 * stack allows is measured, not overflowed on.
 */
export function jsonDepth(value: unknown): number {
  let max = 0;
  const stack: { value: object; depth: number }[] = [];
  if (value !== null && typeof value === 'object') stack.push({ value, depth: 1 });
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!;
    if (depth > max) max = depth;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
    }
  }
  return max;
}

/**
 * The nesting depth of JSON text without parsing it: the most `{` and `[` open at once outside
 * strings. For text that is not JSON it is a count of brackets, which is all a limit needs.
 */
export function jsonTextDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if ((c === 0x7d || c === 0x5d) && depth > 0) depth--;
  }
  return max;
}

/** VALIDATION_FAILED naming the depth found and the limit (`where` is e.g. "the body"). */
export function tooDeep(where: string, depth: number, maxDepth: number): AppError {
  return new AppError(
    'VALIDATION_FAILED',
    `${where} is nested ${depth} levels deep; at most ${maxDepth} are allowed`,
    { depth, maxJsonDepth: maxDepth },
  );
}

/** Throws VALIDATION_FAILED when a parsed value nests deeper than `maxDepth`. */
export function assertJsonDepth(value: unknown, maxDepth: number, where: string): void {
  const depth = jsonDepth(value);
  if (depth > maxDepth) throw tooDeep(where, depth, maxDepth);
}
