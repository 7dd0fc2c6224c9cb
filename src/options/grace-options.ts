import { GRACE_MINUTES } from '../contract/vocabulary.js';

const warned = new Set<string>();

/**
 * The `reset-grace-options` attribute: comma-separated whole minutes (`0,60,1440`) the reset dialog offers, in the
 * order written, each once. An entry that is not a whole number from 0 to 1440 is reported once with `console.warn`,
 * naming the attribute, and left out — never NaN. Absent or empty: no choice (the reset is immediate).
 */
export function graceOptions(value: string | null | undefined): number[] {
  const options: number[] = [];
  for (const entry of (value ?? '').split(',')) {
    const text = entry.trim();
    if (text === '') continue;
    const minutes = /^\d{1,4}$/.test(text) ? Number(text) : NaN;
    if (minutes >= GRACE_MINUTES.min && minutes <= GRACE_MINUTES.max) {
      if (!options.includes(minutes)) options.push(minutes);
      continue;
    }
    if (warned.has(text)) continue;
    warned.add(text);
    console.warn(
      `ipos-credential-elements: reset-grace-options takes whole minutes from ${GRACE_MINUTES.min} to ${GRACE_MINUTES.max}, comma-separated; ignoring ${JSON.stringify(text.slice(0, 40))}.`,
    );
  }
  return options;
}
