import { describe, expect, it } from 'vitest';
import { checkEventNames, closestNames, editDistance } from '../../src/reports/common/event-names';

describe('event names: what is present, and what a mistyped name meant', () => {
  it('edit distance by hand', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('purchase', 'purchase')).toBe(0);
  });

  it('suggests the closest names, and names that contain the one given', () => {
    const known = ['visit', 'view_product', 'add_to_cart', 'checkout', 'purchase', 'signup_completed'];
    expect(closestNames('purchse', known)).toEqual(['purchase']);
    expect(closestNames('signup', known)).toEqual(['signup_completed']);
    expect(closestNames('zzzzzz', known)).toEqual([]);
  });

  it('refuses unknown names with where they were given and a suggestion; accepts known ones', () => {
    const known = ['visit', 'purchase'];
    expect(() => checkEventNames([{ name: 'visit', where: 'steps[0]' }], known, 'web_events')).not.toThrow();
    expect(() => checkEventNames([{ name: 'purchse', where: 'steps[1]' }], known, 'web_events')).toThrow(
      'steps[1]: "purchse" is not an event of web_events; did you mean "purchase"?',
    );
    expect(() => checkEventNames([{ name: 'zzz', where: 'event' }], known, 'web_events')).toThrow(
      'event: "zzz" is not an event of web_events; the events present are "visit", "purchase"',
    );
  });
});
