/**
 * English in parts (issue 16): pages download the shared wording up front and each view's own with the view;
 * another language is completed from all of English, and a part that cannot be fetched never costs the page
 * its language. The token generator's English is made unreachable here, as a dropped connection would.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadCatalog, registerLocale } from '../../src/i18n/catalogs.js';
import { sharedWording } from '../../src/i18n/en-shared.js';
import { addEnglish, englishCatalog } from '../../src/i18n/english.js';
import { translate } from '../../src/i18n/localize.js';

vi.mock('../../src/i18n/en-tokens.js', () => {
  throw new TypeError('Failed to fetch dynamically imported module');
});

describe('English in parts', () => {
  it('up front, English is the shared wording alone: a view’s key is not in it until the view adds its own', () => {
    expect(englishCatalog()).toEqual(sharedWording);
    expect(englishCatalog()['tokens.generate']).toBeUndefined();
    addEnglish({ 'tokens.generate': 'Generate Token' });
    expect(translate('tokens.generate', undefined, englishCatalog(), undefined)).toBe('Generate Token');
  });

  it('a partner’s language still loads when part of English cannot be fetched, and falls back to what English has', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    registerLocale('pt', { 'keys.heading': 'Gerar chaves' });
    const catalog = await loadCatalog('pt');
    expect(catalog['keys.heading']).toBe('Gerar chaves');
    expect(catalog['keys.generate']).toBe(sharedWording['keys.generate']);
    // The activity trail's English arrived; the token generator's did not, so its keys are not listed as missing.
    expect(catalog['activity.empty']).toMatch(/^No activity yet/);
    expect(String(warn.mock.calls[0]?.[0])).toContain('"pt" catalogue lacks');
    warn.mockRestore();
  });
});
