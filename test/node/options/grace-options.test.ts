import { afterEach, describe, expect, it, vi } from 'vitest';
import { graceOptions } from '../../../src/options/grace-options.js';

describe('graceOptions (reset-grace-options)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('keeps whole minutes from 0 to 1440 in the order written, each once', () => {
    expect(graceOptions('0,60,1440')).toEqual([0, 60, 1440]);
    expect(graceOptions(' 60 , 0,60,,1440 ')).toEqual([60, 0, 1440]);
  });

  it('offers no choice when absent or empty', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect([graceOptions(undefined), graceOptions(null), graceOptions(''), graceOptions(' , ')]).toEqual([
      [],
      [],
      [],
      [],
    ]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('leaves out malformed and out-of-range entries, warning once per entry and naming the attribute', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(graceOptions('60,1h,NaN,-5,1441,1.5,0x10,1e2,30')).toEqual([60, 30]);
    expect(graceOptions('1h,1441')).toEqual([]);
    const messages = warn.mock.calls.map(([message]) => String(message));
    expect(messages).toHaveLength(7);
    expect(messages.every((message) => message.includes('reset-grace-options') && message.includes('0 to 1440'))).toBe(
      true,
    );
    expect(messages[0]).toContain('"1h"');
  });
});
