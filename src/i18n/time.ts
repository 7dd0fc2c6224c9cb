const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A duration from now in words, in the element's language ("in 23 hours", "dans 4 minutes"):
 * the largest unit that still reads precisely enough for a countdown.
 */
export function formatRelative(ms: number, locale: string): string {
  const format = cached(`r${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'always' }));
  const size = Math.abs(ms);
  // Past a token's lifetime (a key last used days ago): days read better than 72 hours.
  if (size >= 2 * DAY) return format.format(Math.round(ms / DAY), 'day');
  if (size >= 2 * HOUR) return format.format(Math.round(ms / HOUR), 'hour');
  if (size >= 2 * MINUTE) return format.format(Math.round(ms / MINUTE), 'minute');
  return format.format(Math.round(ms / 1000), 'second');
}

/** A moment as date and time in the element's language. */
export function formatMoment(iso: string, locale: string): string {
  return cached(
    `m${locale}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }),
  ).format(new Date(iso));
}

// One formatter per kind and locale: building one costs far more than formatting with it (each render formats every
// date, and every countdown tick), and its output does not change. A tag `Intl` rejects throws, and is not kept.
const formats = new Map<string, unknown>();

function cached<F>(key: string, create: () => F): F {
  let format = formats.get(key) as F | undefined;
  if (!format) formats.set(key, (format = create()));
  return format;
}

/** A length of time in whole minutes, in words: "1 hour", "24 hours", "90 minutes" (hours when they are whole). */
export function formatDuration(minutes: number, locale: string): string {
  const [value, unit] = minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}
