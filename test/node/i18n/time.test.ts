import { describe, expect, it } from 'vitest';
import { formatAgo, formatDuration, formatMoment, formatRelative } from '../../../src/i18n/time.js';

const MINUTE = 60_000;
const NON_LATIN_DIGITS = /[\u0660-\u0669\u06f0-\u06f9\u0966-\u096f\u09e6-\u09ef]/u;

describe('times in words', () => {
  it('a grace window reads as its choice did: "in 1 hour" at 60 minutes, then minutes below', () => {
    expect(formatDuration(60, 'en')).toBe('1 hour');
    expect(formatRelative(60 * MINUTE, 'en')).toBe('in 1 hour');
    expect(formatRelative(59 * MINUTE + 45_000, 'en')).toBe('in 1 hour');
    expect(formatRelative(59 * MINUTE, 'en')).toBe('in 59 minutes');
    expect(formatRelative(90 * MINUTE, 'en')).toBe('in 90 minutes');
    expect(formatRelative(24 * 60 * MINUTE, 'en')).toBe('in 24 hours');
  });

  it('a countdown keeps its seconds near the end', () => {
    expect(formatRelative(90_000, 'en')).toBe('in 90 seconds');
    expect(formatRelative(30_000, 'en')).toBe('in 30 seconds');
  });

  it('a moment past reads "just now" under a minute ago, then in minutes, hours and days', () => {
    expect([0, -1_000, -59_000, 5_000].map((ms) => formatAgo(ms, 'en', 'just now'))).toEqual([
      'just now',
      'just now',
      'just now',
      'just now',
    ]);
    expect(formatAgo(-75_000, 'en', 'just now')).toBe('1 minute ago');
    expect(formatAgo(-75 * MINUTE, 'en', 'just now')).toBe('75 minutes ago');
    expect(formatAgo(-3 * 24 * 60 * MINUTE, 'en', 'just now')).toBe('3 days ago');
  });

  it('writes Latin digits in every language, whatever the locale’s own default', () => {
    const at = '2026-03-14T09:26:53Z';
    for (const locale of ['ar', 'ar-EG', 'fa', 'hi-IN-u-nu-deva', 'bn']) {
      const written = [
        formatMoment(at, locale),
        formatRelative(-3 * MINUTE, locale),
        formatRelative(5 * 60 * MINUTE, locale),
        formatDuration(90, locale),
      ].join(' ');
      expect(written, locale).not.toMatch(NON_LATIN_DIGITS);
      expect(written, locale).toMatch(/[0-9]/);
    }
  });

  it('a tag Intl rejects throws, as before', () => {
    expect(() => formatMoment('2026-03-14T09:26:53Z', 'en_US_bad!')).toThrow(RangeError);
  });
});
