const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A duration from now in words, in the element's language ("in 23 hours", "dans 4 minutes"):
 * the largest unit that still reads precisely enough for a countdown.
 */
export function formatRelative(ms: number, locale: string): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'always' });
  const size = Math.abs(ms);
  // Past a token's lifetime (a key last used days ago): days read better than 72 hours.
  if (size >= 2 * DAY) return format.format(Math.round(ms / DAY), 'day');
  if (size >= 2 * HOUR) return format.format(Math.round(ms / HOUR), 'hour');
  if (size >= 2 * MINUTE) return format.format(Math.round(ms / MINUTE), 'minute');
  return format.format(Math.round(ms / 1000), 'second');
}

/** A moment as date and time in the element's language. */
export function formatMoment(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** A length of time in whole minutes, in words: "1 hour", "24 hours", "90 minutes" (hours when they are whole). */
export function formatDuration(minutes: number, locale: string): string {
  const [value, unit] = minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}
