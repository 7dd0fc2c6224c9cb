/** The range a numeric option accepts, and what is used instead of a value outside it. */
export interface NumberRange {
  /** The option's name as the integrator wrote it: `refresh-before`, `HttpBackend retries`. */
  name: string;
  min: number;
  max: number;
  /** Whole numbers only. */
  integer?: boolean;
  /** The documented default, used for a missing or refused value. */
  fallback: number;
}

const warned = new Set<string>();

/**
 * A numeric option checked against its range: a refused value (NaN, `'5m'`, out of range) is reported once
 * per option and value with `console.warn`, naming the option and the range, and the documented default is
 * used — so no timer ever runs on `NaN`.
 */
export function numberOption(value: unknown, range: NumberRange): number {
  if (value === undefined || value === null) return range.fallback;
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() ? Number(value) : NaN;
  const valid =
    Number.isFinite(number) &&
    number >= range.min &&
    number <= range.max &&
    (!range.integer || Number.isInteger(number));
  if (valid) return number;
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  const key = `${range.name} ${shown}`;
  if (!warned.has(key)) {
    warned.add(key);
    console.warn(
      `ipos-credential-elements: ${range.name} must be ${range.integer ? 'a whole number' : 'a number'} from ${range.min} to ${range.max}; got ${shown.slice(0, 40)}, using the default ${range.fallback}.`,
    );
  }
  return range.fallback;
}
