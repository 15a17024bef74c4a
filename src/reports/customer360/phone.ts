import { fn, or, param, paren, type SqlNode, sql, textMatch } from '../../sql';

/** Text made only of digits and the punctuation people write phone numbers with. */
const PHONE_LIKE = /^[\d\s+()./-]+$/;

/** The fewest digits a search must have to be matched against phone numbers. */
const MIN_DIGITS = 4;

/** A stored number this long is a whole number, safe to find inside a longer search. */
const MIN_STORED = 7;

/**
 * A condition matching a phone column against a search in any notation, digits only: the
 * search inside the number (a partial number, or without the country code — also after
 * dropping trunk and international prefixes, `0177…`, `0049…`), or the whole stored number at
 * the end of the search (typed with a country code the record lacks: "+1 (555) 0101" finds
 * "555-0101"). Undefined when the search does not look like a phone number.
 */
export function phoneMatch(phone: SqlNode, search: string): SqlNode | undefined {
  if (!PHONE_LIKE.test(search)) return undefined;
  const digits = search.replace(/\D/g, '');
  const national = digits.replace(/^0+/, '');
  if (digits.length < MIN_DIGITS) return undefined;
  const stored = fn.regexpReplaceAll(sql`coalesce(${phone}, '')`, param('[^0-9]'), param(''));
  // Digits only on both sides: the text match's case folding changes nothing.
  const conditions: SqlNode[] = [textMatch('contains', stored, param(digits))];
  if (national !== digits && national.length >= MIN_DIGITS)
    conditions.push(textMatch('contains', stored, param(national)));
  conditions.push(
    sql`length(${stored}) >= ${MIN_STORED} AND ${textMatch('ends_with', param(digits), stored)}`,
  );
  return paren(or(conditions)!);
}
