import { afterEach, describe, expect, it, vi } from 'vitest';
import { ar } from '../../../src/i18n/ar.js';
import { addEnglish, loadCatalog, registerLocale } from '../../../src/i18n/catalogs.js';
import { enTokens } from '../../../src/i18n/en/tokens.js';
import { enUpFront } from '../../../src/i18n/en/up-front.js';
import { en, type Catalog } from '../../../src/i18n/en.js';
import { es } from '../../../src/i18n/es.js';
import { fr } from '../../../src/i18n/fr.js';
import { formatMessage, pluralCategory, translate } from '../../../src/i18n/localize.js';
import type { PluralMessage } from '../../../src/i18n/types.js';

/** A message whose every form names its category, so a test can see which one was picked. */
const EVERY_CATEGORY: PluralMessage = {
  zero: 'zero {count}',
  one: 'one {count}',
  two: 'two {count}',
  few: 'few {count}',
  many: 'many {count}',
  other: 'other {count}',
};

/** The reveal announcement for a count, as an element speaking `locale` with `catalog` would render it. */
const revealed = (count: number, catalog: Partial<Catalog>, locale: string) =>
  translate('keys.revealed', { count }, catalog, undefined, undefined, locale);
const filled = (wording: string | undefined, count: number) => wording!.replace('{count}', String(count));

describe('plural messages', () => {
  afterEach(() => vi.restoreAllMocks());

  it('Arabic picks zero, one, two, few, many and other for 0, 1, 2, 3, 11 and 100', () => {
    const counts = [0, 1, 2, 3, 11, 100];
    expect(counts.map((count) => formatMessage(EVERY_CATEGORY, { count }, 'ar'))).toEqual([
      'zero 0',
      'one 1',
      'two 2',
      'few 3',
      'many 11',
      'other 100',
    ]);
    const message = ar['keys.revealed'];
    expect(counts.map((count) => revealed(count, ar, 'ar'))).toEqual([
      filled(message.zero, 0),
      message.one,
      message.two,
      filled(message.few, 3),
      filled(message.many, 11),
      filled(message.other, 100),
    ]);
    // 3, 11 and 100 read different wordings (plural, accusative singular, genitive singular).
    expect(new Set([message.few, message.many, message.other]).size).toBe(3);
  });

  it('Arabic uses few for 3–10 and 103, many for 11–99, other for 100–102', () => {
    const pick = (count: number) => pluralCategory(count, 'ar-EG');
    expect([3, 10, 103].map(pick)).toEqual(['few', 'few', 'few']);
    expect([11, 99].map(pick)).toEqual(['many', 'many']);
    expect([100, 102].map(pick)).toEqual(['other', 'other']);
  });

  it('English and Spanish say one for 1 only; French says one for 0 and 1', () => {
    const forms = (catalog: Catalog, locale: string) => [0, 1, 2].map((count) => revealed(count, catalog, locale));
    expect(forms(en, 'en')).toEqual([
      'Secret key shown. It will be hidden again in 0 seconds.',
      'Secret key shown. It will be hidden again in 1 second.',
      'Secret key shown. It will be hidden again in 2 seconds.',
    ]);
    expect(forms(es, 'es-MX')).toEqual([
      filled(es['keys.revealed'].other, 0),
      filled(es['keys.revealed'].one, 1),
      filled(es['keys.revealed'].other, 2),
    ]);
    expect(forms(fr, 'fr')).toEqual([
      filled(fr['keys.revealed'].one, 0),
      filled(fr['keys.revealed'].one, 1),
      filled(fr['keys.revealed'].other, 2),
    ]);
  });

  it('a category the message lacks, a missing count and a tag Intl rejects all read other', () => {
    const oneOther: PluralMessage = { one: '{count} item', other: '{count} items' };
    expect(formatMessage(oneOther, { count: 3 }, 'ar')).toBe('3 items');
    expect(formatMessage(oneOther, { count: 0 }, 'ar')).toBe('0 items');
    expect(formatMessage(oneOther, {}, 'en')).toBe('{count} items');
    expect(formatMessage(oneOther, { count: 1 }, 'en_US')).toBe('1 item');
    expect(formatMessage({ other: 'all {count}' }, { count: 1 }, 'en')).toBe('all 1');
  });

  it('fills the other placeholders of the chosen form, and leaves plain strings as they were', () => {
    const message: PluralMessage = { one: '{name}: {count} key', other: '{name}: {count} keys' };
    expect(formatMessage(message, { count: 2, name: 'Acme' }, 'en')).toBe('Acme: 2 keys');
    expect(formatMessage('Created {date}', { date: 'today', count: 1 }, 'ar')).toBe('Created today');
  });

  describe('overrides', () => {
    it('a plural override wins over the catalogue and follows the element’s language', () => {
      const own = { 'keys.revealed': { one: 'un {count}', few: 'قليل {count}', other: 'autre {count}' } };
      expect(translate('keys.revealed', { count: 0 }, fr, own, undefined, 'fr')).toBe('un 0');
      expect(translate('keys.revealed', { count: 3 }, ar, own, undefined, 'ar')).toBe('قليل 3');
      expect(translate('keys.revealed', { count: 2 }, ar, own, undefined, 'ar')).toBe('autre 2');
    });

    it('a plain string overrides a plural key for every count', () => {
      const own = { 'keys.revealed': 'Shown for {count} s.' };
      expect([1, 2].map((count) => translate('keys.revealed', { count }, en, own, undefined, 'en'))).toEqual([
        'Shown for 1 s.',
        'Shown for 2 s.',
      ]);
    });

    it('the element’s own plural override wins over the provider’s', () => {
      const provider = { 'keys.revealed': { one: 'provider {count}', other: 'provider {count}' } };
      const own = { 'keys.revealed': { one: 'own {count}', other: 'own {count}s' } };
      expect(translate('keys.revealed', { count: 2 }, es, own, provider, 'es')).toBe('own 2s');
      expect(translate('keys.revealed', { count: 2 }, es, undefined, provider, 'es')).toBe('provider 2');
    });
  });

  describe('partner locales', () => {
    it('a partner’s plural message uses its language’s rules; a category it lacks falls back to other', async () => {
      vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      registerLocale('pl', {
        'keys.revealed': { one: 'Ukryty za {count} sekundę.', other: 'Ukryty za {count} s.' },
      });
      const pl = await loadCatalog('pl');
      // Polish: 1 is one, 2–4 few, 5 many; few and many are missing here.
      expect([1, 2, 5].map((count) => revealed(count, pl, 'pl'))).toEqual([
        'Ukryty za 1 sekundę.',
        'Ukryty za 2 s.',
        'Ukryty za 5 s.',
      ]);
    });

    it('a partner catalogue without the plural key shows English, chosen by English rules', async () => {
      vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      registerLocale('pt', { 'keys.heading': 'Gerar chaves' });
      const pt = await loadCatalog('pt');
      // Portuguese rules would call 0 "one"; the English wording needs English rules: "0 seconds".
      expect(pluralCategory(0, 'pt')).toBe('one');
      expect(revealed(0, pt, 'pt')).toBe('Secret key shown. It will be hidden again in 0 seconds.');
    });

    it('a partner plural message without other counts as missing: English is used and the key reported', async () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      registerLocale('nl', { 'keys.revealed': { one: 'Verborgen over {count} seconde.' } as unknown as PluralMessage });
      const nl = await loadCatalog('nl');
      expect(revealed(1, nl, 'nl')).toBe('Secret key shown. It will be hidden again in 1 second.');
      // Of the English this page has: the wording up front, then a view's when its module runs.
      const aboutNl = () => warn.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('"nl"'));
      expect(aboutNl()).toHaveLength(1);
      expect(aboutNl()[0]).toContain(`lacks ${Object.keys(enUpFront).length} keys`);
      addEnglish(enTokens);
      expect(aboutNl()).toHaveLength(2);
      expect(aboutNl()[1]).toContain(`lacks ${Object.keys(enTokens).length} keys (failed.generate-token`);
    });
  });
});
