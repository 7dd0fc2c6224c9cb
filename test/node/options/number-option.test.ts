import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { numberOption, type NumberRange } from '../../../src/options/number-option.js';

const range: NumberRange = { name: 'refresh-before', min: 0, max: 86_400, integer: true, fallback: 300 };

describe('numberOption', () => {
  afterEach(() => vi.restoreAllMocks());

  it('keeps a value inside the range, from a number or a numeric string', () => {
    expect(numberOption(120, range)).toBe(120);
    expect(numberOption('120', range)).toBe(120);
    expect(numberOption(0, range)).toBe(0);
  });

  it('uses the default, silently, when no value was given', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(numberOption(undefined, range)).toBe(300);
    expect(numberOption(null, range)).toBe(300);
    expect(warn).not.toHaveBeenCalled();
  });

  it('refuses "5m", NaN, Infinity, fractions and out-of-range values with one warning naming the option and range', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const bad of ['5m', NaN, Infinity, 1.5, -1, 86_401, '', ' ', '0x10 minutes']) {
      expect(numberOption(bad, range), String(bad)).toBe(300);
    }
    expect(
      warn.mock.calls.every(([message]) => /refresh-before must be a whole number from 0 to 86400/.test(message)),
    ).toBe(true);
    numberOption('5m', range);
    expect(warn.mock.calls.filter(([message]) => message.includes('"5m"'))).toHaveLength(1);
  });

  it('never returns anything but a finite number inside the range, whatever it is given', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double(), fc.integer(), fc.constant(undefined)), (value) => {
        const result = numberOption(value, range);
        expect(Number.isInteger(result) && result >= range.min && result <= range.max).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
