const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/**
 * Latin digits in every language, whatever the engine's default for it (WebKit writes Arabic in Arabic-Indic ones):
 * keys, IDs and TPNs are Latin, and one screen must not mix two digit styles (docs/languages.md).
 */
const LATIN = { numberingSystem: 'latn' } as const;

/**
 * A duration from now in words, in the element's language ("in 23 hours", "dans 4 minutes"): the largest unit
 * that still reads precisely enough for a countdown; whole hours read as hours ("in 1 hour", as a grace window's
 * choice said it), and a moment past reads in minutes at least ("1 minute ago", never "75 seconds ago").
 */
export function formatRelative(ms: number, locale: string): string {
  const format = cached(`r${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'always', ...LATIN }));
  const size = Math.abs(ms);
  const minutes = Math.round(ms / MINUTE);
  // Past a token's lifetime (a key last used days ago): days read better than 72 hours.
  if (size >= 2 * DAY) return format.format(Math.round(ms / DAY), 'day');
  if (size >= 2 * HOUR || (minutes !== 0 && minutes % 60 === 0)) return format.format(Math.round(ms / HOUR), 'hour');
  if (size >= 2 * MINUTE || ms <= -MINUTE) return format.format(minutes, 'minute');
  return format.format(Math.round(ms / 1000), 'second');
}

/** A moment past in words ("3 minutes ago"); under a minute ago it is `justNow`: nobody counts those seconds. */
export function formatAgo(ms: number, locale: string, justNow: string): string {
  return ms > -MINUTE ? justNow : formatRelative(ms, locale);
}

/** A moment as date and time in the element's language. */
export function formatMoment(iso: string, locale: string): string {
  return cached(
    `m${locale}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', ...LATIN }),
  ).format(new Date(iso));
}

/** A length of time in whole minutes, in words: "1 hour", "24 hours", "90 minutes" (hours when they are whole). */
export function formatDuration(minutes: number, locale: string): string {
  const [value, unit] = minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return cached(
    `d${unit}${locale}`,
    () => new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long', ...LATIN }),
  ).format(value);
}

// One formatter per kind and locale: building one costs far more than formatting with it (each render formats every
// date, and every countdown tick), and its output does not change. A tag `Intl` rejects throws, and is not kept.
const formats = new Map<string, unknown>();

function cached<F>(key: string, create: () => F): F {
  let format = formats.get(key) as F | undefined;
  if (!format) formats.set(key, (format = create()));
  return format;
}
