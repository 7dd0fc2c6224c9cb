import { expect, fixture, html } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import '../../src/define.js';
import type { Credentials, Terminal } from '../../src/contract/schemas.js';
import type { IposCredentials } from '../../src/elements/credentials/ipos-credentials.js';
import type { IposKeyPanel } from '../../src/elements/key-panel/ipos-key-panel.js';
import type { IposScopeList } from '../../src/elements/scope-list/ipos-scope-list.js';
import type { IposTokenGenerator } from '../../src/elements/token-generator/ipos-token-generator.js';
import type { TokenDetail } from '../../src/elements/events.js';
import { ar } from '../../src/i18n/ar.js';
import { loadCatalog } from '../../src/i18n/catalogs.js';
import { en, type Catalog, type CatalogKey, type CatalogOverrides } from '../../src/i18n/en.js';
import { es } from '../../src/i18n/es.js';
import { fr } from '../../src/i18n/fr.js';
import type { Message } from '../../src/i18n/types.js';
import { ROLE_SCOPES, type Scope, type UserRole } from '../../src/contract/roles.js';
import { ClipboardStub } from '../support/clipboard-stub.js';
import { allByPart, byPart, escapeRegExp, settle, spokenText } from '../support/fixtures.js';
import { ReferenceSession } from '../support/reference-session.js';
import { waitUntil } from '../support/wait.js';

const SHIPPED = { es, fr, ar } as const satisfies Record<string, Catalog>;
type Shipped = keyof typeof SHIPPED;
const LOCALES = Object.keys(SHIPPED) as Shipped[];
const KEYS = Object.keys(en) as CatalogKey[];

/**
 * What stays in Latin script and English in every language: product and protocol names, the scope
 * names, and literal attribute/property names and values. Matched case-sensitively as whole tokens,
 * so "merchant" (the attribute value) is allowed while "Merchant" (in "Merchant Admin") is not.
 */
const KEPT = [
  'iPOS Transact',
  'iPOSpays',
  'PaymentTokenization',
  'Recurring',
  'BatchReport',
  'ExternalApi',
  'expires-in-minutes',
  'user-role',
  'api-base',
  'backend',
  'merchant',
  'iso',
  'agent',
  'ISO',
  'API',
  'TPN',
  'JWT',
  'https',
  'dskey_',
  'dakey_',
];
/** Kept names that every translation must carry over wherever English has them. */
const CARRIED_OVER = ['iPOS Transact', 'API', 'TPN', 'user-role', 'api-base', 'expires-in-minutes', 'https'];
/** Values that are legitimately the same as English in a language. */
const SAME_AS_ENGLISH: Record<Shipped, CatalogKey[]> = {
  es: ['tokens.tpnOption', 'tokens.tpnLabel', 'activity.tpn'],
  fr: ['tokens.tpnOption', 'tokens.tpnLabel', 'activity.tpn'],
  ar: ['tokens.tpnOption'],
};
/** Parts whose text is data, not wording: key material, the shortened token. Their aria-labels still count. */
const VALUE_PARTS = ['api-key', 'secret-key', 'token'];

const KEPT_PATTERN = new RegExp(
  `(?<![\\p{L}\\p{N}_-])(?:${KEPT.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}_-])`,
  'gu',
);

/** Every wording of a message: the string itself, or each form of a plural message. */
const wordings = (message: Message): string[] => (typeof message === 'string' ? [message] : Object.values(message));
/** The wording a message falls back to: the string itself, or the plural message's `other`. */
const fallback = (message: Message) => (typeof message === 'string' ? message : message.other);
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

/** Lower-cased words of 4+ letters, after removing the kept names and any extra allowed strings. */
function wordsOf(text: string, allowed: readonly string[] = []): Set<string> {
  let rest = text.replace(KEPT_PATTERN, ' ');
  for (const value of allowed) rest = rest.split(value).join(' ');
  return new Set((rest.toLowerCase().match(/\p{L}+/gu) ?? []).filter((word) => word.length >= 4));
}

/**
 * Words of 4+ letters that are the same in English and in the language, reviewed by hand. Fixed
 * here rather than derived from the catalogue, so that an English string pasted into a catalogue
 * is still caught on screen (the catalogue test below keeps this list exact).
 */
const SHARED_WORDS: Record<Shipped, string[]> = {
  es: ['terminal', 'token'],
  fr: ['minutes', 'page', 'secret', 'session', 'site', 'terminal', 'transactions'],
  ar: [],
};

/** The words of a catalogue's strings, placeholders left out (they never render as such). */
const catalogueWords = (catalog: Catalog) =>
  wordsOf(
    Object.values(catalog)
      .flatMap(wordings)
      .join(' ')
      .replace(/\{\w+\}/g, ' '),
  );

/** English words that would betray an untranslated string: the English catalogue's, less the shared ones. */
function distinctiveEnglish(locale: Shipped): Set<string> {
  const shared = new Set(SHARED_WORDS[locale]);
  return new Set([...catalogueWords(en)].filter((word) => !shared.has(word)));
}

/** Everything a user or a screen reader gets: text nodes and accessible labels, through every shadow root. */
function renderedText(root: Element): string[] {
  const texts: string[] = [];
  const visit = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.textContent?.trim();
      if (text) texts.push(text);
      return;
    }
    if (!(node instanceof Element) && !(node instanceof ShadowRoot)) return;
    if (node instanceof Element) {
      if (['STYLE', 'SCRIPT', 'TEMPLATE'].includes(node.tagName)) return;
      for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
        const value = node.getAttribute(name);
        if (value) texts.push(value);
      }
      if (VALUE_PARTS.some((part) => node.part.contains(part))) return;
      if (node.shadowRoot) visit(node.shadowRoot);
    }
    for (const child of node.childNodes) visit(child);
  };
  visit(root);
  return texts;
}

/** The English words found in an element's rendering, with the text they were found in. */
function englishIn(root: Element, locale: Shipped, allowed: readonly string[] = []): string[] {
  const forbidden = distinctiveEnglish(locale);
  const leaks: string[] = [];
  for (const text of renderedText(root)) {
    for (const word of wordsOf(text, allowed)) if (forbidden.has(word)) leaks.push(`"${word}" in "${text}"`);
  }
  return leaks;
}

/** Mounts, then waits until the element (and any it renders) has its catalogue and has re-rendered. */
async function mount<T extends Element>(template: TemplateResult, locales: string[] = LOCALES): Promise<T> {
  const element = await fixture<T>(template);
  await Promise.all(locales.map((locale) => loadCatalog(locale)));
  await settle(element);
  return element;
}

async function loaded(element: Element): Promise<void> {
  await waitUntil(() => allByPart(element, 'skeleton').length === 0, 'never finished loading');
  await settle(element);
}

const text = (element: Element, part: string) => byPart(element, part).textContent?.replace(/\s+/g, ' ').trim() ?? '';
const heading = (element: Element) => element.shadowRoot!.querySelector('h2, h3')?.textContent?.trim();
const descriptions = (element: Element) =>
  allByPart(element, 'scope-description').map((node) => node.textContent?.trim());
const scopeText = (catalog: Catalog, scope: Scope) => catalog[`scope.${scope}` as CatalogKey];
const scopeTexts = (catalog: Catalog, role: UserRole) => ROLE_SCOPES[role].map((scope) => scopeText(catalog, scope));
const baseOf = (element: Element) => element.shadowRoot!.querySelector('[part~="base"]')!;

async function terminalsOf(session: ReferenceSession): Promise<string[]> {
  const { terminals } = (await session.call('GET', '/terminals')) as { terminals: Terminal[] };
  return terminals.map((terminal) => terminal.label);
}

async function generateToken(element: Element): Promise<TokenDetail> {
  const generated = new Promise<TokenDetail>((resolve) =>
    element.addEventListener('ipos-token-generated', (event) => resolve((event as CustomEvent<TokenDetail>).detail), {
      once: true,
    }),
  );
  byPart(element, 'generate-button').click();
  const detail = await generated;
  await waitUntil(() => allByPart(element, 'token').length === 1, 'token not shown');
  await settle(element);
  return detail;
}

const clipboards = ClipboardStub.eachTest();
/** A merchant's token generator speaking `locale`, on a channel of its own, once its terminals show. */
async function localizedGenerator(session: ReferenceSession, locale: string): Promise<IposTokenGenerator> {
  const element = await mount<IposTokenGenerator>(
    html`<ipos-token-generator
      locale=${locale}
      user-role="merchant"
      .backend=${session.backend()}
      .channelName=${`i18n-${session.id}`}
    ></ipos-token-generator>`,
  );
  await loaded(element);
  return element;
}

let hostLang: string | null;
before(() => {
  hostLang = document.documentElement.getAttribute('lang');
});
afterEach(() => {
  if (hostLang === null) document.documentElement.removeAttribute('lang');
  else document.documentElement.setAttribute('lang', hostLang);
});

describe('i18n', () => {
  describe('catalogues', () => {
    for (const locale of LOCALES) {
      const catalog: Catalog = SHIPPED[locale];

      it(`${locale} has exactly the keys of en, each non-empty`, () => {
        expect(Object.keys(catalog).sort()).to.deep.equal([...KEYS].sort());
        expect(KEYS.filter((key) => wordings(catalog[key]).some((wording) => !wording.trim()))).to.deep.equal([]);
      });

      it(`${locale} keeps the placeholders of every en string`, () => {
        const of = (message: Message) => placeholders(fallback(message)).join();
        const mismatched = KEYS.filter((key) => of(catalog[key]) !== of(en[key])).map(
          (key) => `${key}: ${of(catalog[key])} ≠ ${of(en[key])}`,
        );
        expect(mismatched).to.deep.equal([]);
      });

      it(`${locale} writes plural messages in its own plural categories, with no placeholder other lacks`, () => {
        const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories as string[];
        const pluralKeys = KEYS.filter((key) => typeof en[key] !== 'string');
        expect(pluralKeys).to.include('keys.revealed');
        for (const key of pluralKeys) {
          const message = catalog[key];
          expect(message, key).to.be.an('object');
          if (typeof message === 'string') continue;
          expect(
            Object.keys(message).filter((category) => !categories.includes(category)),
            key,
          ).to.deep.equal([]);
          const allowed = placeholders(message.other);
          for (const wording of wordings(message))
            expect(allowed, `${key}: ${wording}`).to.include.members(placeholders(wording));
        }
      });

      it(`${locale} translates every string and carries product names over`, () => {
        const untranslated = KEYS.filter(
          (key) => JSON.stringify(catalog[key]) === JSON.stringify(en[key]) && !SAME_AS_ENGLISH[locale].includes(key),
        );
        expect(untranslated).to.deep.equal([]);
        const lost = KEYS.flatMap((key) =>
          CARRIED_OVER.filter((name) => fallback(en[key]).includes(name) && !fallback(catalog[key]).includes(name)).map(
            (name) => `${key}: ${name}`,
          ),
        );
        expect(lost).to.deep.equal([]);
        for (const key of ['role.invalid', 'role.missing'] as const) {
          for (const role of ['merchant', 'iso', 'agent']) expect(catalog[key]).to.contain(role);
        }
        // Words English and this catalogue share are exactly the reviewed ones: an English string
        // pasted in shows up here by its words.
        const ownWords = catalogueWords(catalog);
        expect([...catalogueWords(en)].filter((word) => ownWords.has(word)).sort()).to.deep.equal(SHARED_WORDS[locale]);
        // The no-English checks below only mean something if many English words are distinctive.
        expect(distinctiveEnglish(locale).size).to.be.greaterThan(100);
      });
    }
  });

  describe('no English on screen', () => {
    for (const locale of LOCALES) {
      const catalog: Catalog = SHIPPED[locale];

      it(`${locale}: ipos-scope-list for every role`, async () => {
        const container = await mount<HTMLElement>(
          html`<div>
            <ipos-scope-list locale=${locale} user-role="merchant"></ipos-scope-list>
            <ipos-scope-list locale=${locale} user-role="iso"></ipos-scope-list>
          </div>`,
        );
        const [merchant, iso] = container.querySelectorAll('ipos-scope-list');
        expect(heading(merchant)).to.equal(catalog['scopes.heading']);
        expect(descriptions(merchant)).to.deep.equal(scopeTexts(catalog, 'merchant'));
        expect(descriptions(iso)).to.deep.equal([catalog['scope.ExternalApi']]);
        expect(englishIn(container, locale)).to.deep.equal([]);
      });

      it(`${locale}: ipos-key-panel with no keys`, async () => {
        const session = new ReferenceSession('merchant');
        const element = await mount<IposKeyPanel>(
          html`<ipos-key-panel locale=${locale} user-role="merchant" .backend=${session.backend()}></ipos-key-panel>`,
        );
        await loaded(element);
        expect(heading(element)).to.equal(catalog['keys.heading']);
        expect(byPart(element, 'generate-button').textContent?.trim()).to.equal(catalog['keys.generate']);
        expect(englishIn(element, locale)).to.deep.equal([]);
      });

      it(`${locale}: ipos-key-panel with keys, after a copy`, async () => {
        const session = new ReferenceSession('iso');
        await session.call('POST', '/credentials');
        clipboards.stub();
        const element = await mount<IposKeyPanel>(
          html`<ipos-key-panel
            locale=${locale}
            user-role="iso"
            allow-reveal
            .backend=${session.backend()}
          ></ipos-key-panel>`,
        );
        await loaded(element);
        byPart(element, 'copy-api-key').click();
        await waitUntil(() => text(element, 'status') !== '', 'copy not announced');
        await settle(element);
        expect(text(element, 'status')).to.equal(catalog['keys.apiKeyCopied']);
        expect(text(element, 'copy-api-key')).to.equal(catalog['keys.copied']);
        expect(spokenText(byPart(element, 'secret-key').parentElement!)).to.match(
          new RegExp(
            `^${escapeRegExp(catalog['keys.secretMasked'].replace('{hint}', '§')).replace('§', '.{4}')} ${escapeRegExp(catalog['keys.reveal'])}`,
          ),
        );
        expect(englishIn(element, locale)).to.deep.equal([]);
      });

      it(`${locale}: ipos-key-panel when loading fails`, async () => {
        const session = new ReferenceSession('iso');
        await session.force({ 'GET /credentials': { status: 500 } });
        const element = await mount<IposKeyPanel>(
          html`<ipos-key-panel locale=${locale} user-role="iso" .backend=${session.backend()}></ipos-key-panel>`,
        );
        await loaded(element);
        expect(text(element, 'error'))
          .to.contain(catalog['failed.load-credentials'])
          .and.contain(catalog['reason.server']);
        expect(englishIn(element, locale)).to.deep.equal([]);
      });

      it(`${locale}: ipos-key-activity listing generate, reveal and reset`, async () => {
        const session = new ReferenceSession('iso');
        await session.call('POST', '/credentials');
        await session.call('POST', '/credentials/secret/reveal');
        await session.call('POST', '/credentials/secret/reset');
        const element = await mount<HTMLElement>(
          html`<ipos-key-activity locale=${locale} user-role="iso" .backend=${session.backend()}></ipos-key-activity>`,
        );
        await waitUntil(() => allByPart(element, 'event').length === 3, 'events not listed');
        await settle(element);
        expect(heading(element)).to.equal(catalog['activity.heading']);
        expect(allByPart(element, 'event').map((node) => node.querySelector('.event-type')?.textContent)).to.deep.equal(
          [
            catalog['activity.type.secret-reset'],
            catalog['activity.type.secret-revealed'],
            catalog['activity.type.keys-generated'],
          ],
        );
        expect(englishIn(element, locale)).to.deep.equal([]);
      });

      it(`${locale}: ipos-token-generator with a generated token`, async () => {
        const session = new ReferenceSession('merchant');
        const labels = await terminalsOf(session);
        const element = await localizedGenerator(session, locale);
        const { tpn } = await generateToken(element);
        expect(text(element, 'status')).to.equal(catalog['tokens.generated'].replace('{tpn}', tpn));
        // Terminal labels are the account's data, named by the merchant, not UI wording.
        expect(englishIn(element, locale, labels)).to.deep.equal([]);
      });

      it(`${locale}: ipos-credentials for a merchant`, async () => {
        const session = new ReferenceSession('merchant');
        await session.call('POST', '/credentials');
        const labels = await terminalsOf(session);
        const element = await mount<IposCredentials>(
          html`<ipos-credentials
            locale=${locale}
            user-role="merchant"
            .backend=${session.backend()}
          ></ipos-credentials>`,
        );
        await waitUntil(
          () => allByPart(element, 'api-key').length === 1 && allByPart(element, 'tpn-select').length === 1,
          'screen did not load',
        );
        await settle(element);
        const root = element.shadowRoot!;
        const headings = [
          heading(root.querySelector('ipos-key-panel')!),
          heading(root.querySelector('ipos-token-generator')!),
          heading(byPart(element, 'scopes')),
        ];
        expect(headings).to.deep.equal([catalog['keys.heading'], catalog['tokens.heading'], catalog['scopes.heading']]);
        expect(englishIn(element, locale, labels)).to.deep.equal([]);
      });
    }

    it('the check finds English: an en element fails it', async () => {
      const element = await mount<IposScopeList>(
        html`<ipos-scope-list locale="en" user-role="merchant"></ipos-scope-list>`,
      );
      expect(englishIn(element, 'fr')).to.include('"what" in "What these keys can access"');
      expect(englishIn(element, 'fr').length).to.be.greaterThan(5);
    });
  });

  describe('wording overrides', () => {
    it('override keys one by one in a non-English locale; the others stay translated', async () => {
      const element = await mount<IposScopeList>(
        html`<ipos-scope-list
          locale="es"
          user-role="merchant"
          .strings=${{ 'scope.Recurring': 'Cobros periódicos' }}
        ></ipos-scope-list>`,
      );
      expect(heading(element)).to.equal(es['scopes.heading']);
      expect(descriptions(element)).to.deep.equal([
        es['scope.PaymentTokenization'],
        'Cobros periódicos',
        es['scope.BatchReport'],
      ]);

      element.strings = { 'scopes.heading': 'Alcance de sus claves' };
      await settle(element);
      expect(heading(element)).to.equal('Alcance de sus claves');
      expect(descriptions(element)).to.deep.equal(scopeTexts(es, 'merchant'));
    });

    it('a provider’s overrides, placeholders included, reach nested elements in its locale', async () => {
      const session = new ReferenceSession('iso');
      const { keys } = (await session.call('POST', '/credentials')) as Credentials;
      const element = await mount<IposCredentials>(
        html`<ipos-credentials
          locale="fr"
          user-role="iso"
          .backend=${session.backend()}
          .strings=${{ 'keys.heading': 'Vos identifiants', 'keys.secretMasked': 'Secret se terminant par {hint}' }}
        ></ipos-credentials>`,
      );
      await waitUntil(() => allByPart(element, 'api-key').length === 1, 'keys not shown');
      await settle(element);
      const panel = element.shadowRoot!.querySelector('ipos-key-panel')!;
      expect(heading(panel)).to.equal('Vos identifiants');
      expect(panel.shadowRoot!.querySelector('.intro')?.textContent?.trim()).to.equal(fr['keys.intro']);
      expect(spokenText(byPart(element, 'secret-key').parentElement!)).to.contain(
        `Secret se terminant par ${keys!.secretKeyHint}`,
      );
      expect(heading(byPart(element, 'scopes'))).to.equal(fr['scopes.heading']);
    });
  });

  describe('plurals', () => {
    /** A key panel with keys that may reveal its secret for `seconds`; reveals it and returns the announcement. */
    async function revealAnnouncement(locale: string, seconds: number, strings?: CatalogOverrides): Promise<string> {
      const session = new ReferenceSession('iso');
      await session.call('POST', '/credentials');
      const element = await mount<IposKeyPanel>(
        html`<ipos-key-panel
          locale=${locale}
          user-role="iso"
          allow-reveal
          reveal-timeout=${seconds}
          .strings=${strings}
          .backend=${session.backend()}
        ></ipos-key-panel>`,
        [locale],
      );
      await loaded(element);
      byPart(element, 'reveal-button').click();
      await waitUntil(() => text(element, 'status') !== '', 'reveal not announced');
      return text(element, 'status');
    }
    const normalized = (wording: string, count: number) =>
      wording.replace('{count}', String(count)).replace(/\s+/g, ' ');

    for (const [locale, seconds, wording] of [
      ['en', 1, en['keys.revealed'].one],
      ['en', 2, en['keys.revealed'].other],
      ['fr', 1, fr['keys.revealed'].one!],
      ['es', 2, es['keys.revealed'].other],
      ['ar', 2, ar['keys.revealed'].two!],
      ['ar', 3, ar['keys.revealed'].few!],
      ['ar-EG', 11, ar['keys.revealed'].many!],
    ] as const) {
      it(`${locale}: the reveal announcement for ${seconds} seconds takes the plural form of the count`, async () => {
        expect(await revealAnnouncement(locale, seconds)).to.equal(normalized(wording, seconds));
      });
    }

    it('a host’s plural override follows the element’s language; a category it lacks falls back to other', async () => {
      const strings: CatalogOverrides = {
        'keys.revealed': { one: 'Visible {count} seconde', few: 'مرئي {count} ثوانٍ', other: 'Visible {count}' },
      };
      expect(await revealAnnouncement('fr', 1, strings)).to.equal('Visible 1 seconde');
      expect(await revealAnnouncement('ar', 3, strings)).to.equal('مرئي 3 ثوانٍ');
      expect(await revealAnnouncement('ar', 2, strings)).to.equal('Visible 2');
      expect(await revealAnnouncement('es', 2, { 'keys.revealed': 'Visible durante {count} s.' })).to.equal(
        'Visible durante 2 s.',
      );
    });
  });

  describe('choosing the language', () => {
    const scopeList = () => html`<ipos-scope-list user-role="merchant"></ipos-scope-list>`;
    it('falls back to <html lang>', async () => {
      document.documentElement.lang = 'fr';
      const element = await mount<IposScopeList>(scopeList());
      expect(heading(element)).to.equal(fr['scopes.heading']);
      expect(baseOf(element).getAttribute('lang')).to.equal('fr');
    });

    it('falls back to English without a locale or <html lang>', async () => {
      document.documentElement.removeAttribute('lang');
      const element = await mount<IposScopeList>(scopeList());
      expect(heading(element)).to.equal(en['scopes.heading']);
      expect(baseOf(element).getAttribute('lang')).to.equal('en');
    });

    it('its own locale wins over <html lang>', async () => {
      document.documentElement.lang = 'ar';
      const element = await mount<IposScopeList>(
        html`<ipos-scope-list locale="es" user-role="merchant"></ipos-scope-list>`,
      );
      expect(heading(element)).to.equal(es['scopes.heading']);
      expect(baseOf(element).getAttribute('dir')).to.equal('ltr');
    });

    for (const [tag, catalog] of [
      ['es-MX', es],
      ['fr-CA', fr],
      ['ar-EG', ar],
    ] as const) {
      it(`a regional tag (${tag}) uses its language’s catalogue`, async () => {
        const element = await mount<IposScopeList>(
          html`<ipos-scope-list locale=${tag} user-role="merchant"></ipos-scope-list>`,
        );
        expect(heading(element)).to.equal(catalog['scopes.heading']);
        expect(descriptions(element)).to.deep.equal(scopeTexts(catalog, 'merchant'));
        expect(baseOf(element).getAttribute('lang')).to.equal(tag);
      });
    }

    it('an unshipped language (de) shows English, left to right', async () => {
      const element = await mount<IposScopeList>(
        html`<ipos-scope-list locale="de" user-role="merchant"></ipos-scope-list>`,
        ['de'],
      );
      expect(heading(element)).to.equal(en['scopes.heading']);
      expect(descriptions(element)).to.deep.equal(scopeTexts(en, 'merchant'));
      expect(baseOf(element).getAttribute('dir')).to.equal('ltr');
    });
  });

  describe('one page, many languages', () => {
    it('two elements speak French and Arabic side by side; changing one leaves the other alone', async () => {
      const container = await mount<HTMLElement>(
        html`<div>
          <ipos-scope-list locale="fr" user-role="merchant"></ipos-scope-list>
          <ipos-scope-list locale="ar" user-role="merchant"></ipos-scope-list>
        </div>`,
      );
      const [first, second] = container.querySelectorAll('ipos-scope-list');
      const arabic = () => ({
        heading: heading(second),
        descriptions: descriptions(second),
        lang: baseOf(second).getAttribute('lang'),
        dir: baseOf(second).getAttribute('dir'),
      });
      expect(heading(first)).to.equal(fr['scopes.heading']);
      expect(arabic()).to.deep.equal({
        heading: ar['scopes.heading'],
        descriptions: scopeTexts(ar, 'merchant'),
        lang: 'ar',
        dir: 'rtl',
      });
      const before = arabic();

      first.locale = 'es';
      await settle(container);
      expect(heading(first)).to.equal(es['scopes.heading']);
      expect(baseOf(first).getAttribute('lang')).to.equal('es');
      expect(arabic()).to.deep.equal(before);
    });

    it('two providers pass their own language to their nested elements', async () => {
      const french = new ReferenceSession('iso');
      const arabicSession = new ReferenceSession('iso');
      const container = await mount<HTMLElement>(
        html`<div>
          <ipos-credentials locale="fr" user-role="iso" .backend=${french.backend()}></ipos-credentials>
          <ipos-credentials locale="ar" user-role="iso" .backend=${arabicSession.backend()}></ipos-credentials>
        </div>`,
      );
      await loaded(container.querySelectorAll('ipos-credentials')[0]);
      await loaded(container.querySelectorAll('ipos-credentials')[1]);
      const [frPanel, arPanel] = [...container.querySelectorAll('ipos-credentials')].map((provider) =>
        provider.shadowRoot!.querySelector('ipos-key-panel')!,
      );
      expect([heading(frPanel), heading(arPanel)]).to.deep.equal([fr['keys.heading'], ar['keys.heading']]);
      expect([text(frPanel, 'generate-button'), text(arPanel, 'generate-button')]).to.deep.equal([
        fr['keys.generate'],
        ar['keys.generate'],
      ]);
    });
  });

  describe('host page', () => {
    it('rendering French and Arabic elements writes no global state', async () => {
      document.documentElement.lang = 'de';
      const snapshot = () => ({
        lang: document.documentElement.getAttribute('lang'),
        dir: document.documentElement.getAttribute('dir'),
        bodyLang: document.body.getAttribute('lang'),
        bodyDir: document.body.getAttribute('dir'),
        documentDir: document.dir,
        intl: new Intl.DateTimeFormat().resolvedOptions().locale,
      });
      const before = snapshot();
      const globals = new Set(Object.getOwnPropertyNames(window));

      const session = new ReferenceSession('merchant');
      const container = await mount<HTMLElement>(
        html`<div>
          <ipos-scope-list locale="fr" user-role="merchant"></ipos-scope-list>
          <ipos-token-generator
            locale="ar"
            user-role="merchant"
            .backend=${session.backend()}
            .channelName=${`i18n-${session.id}`}
          ></ipos-token-generator>
        </div>`,
      );
      const generator = container.querySelector('ipos-token-generator')!;
      await loaded(generator);
      await generateToken(generator);
      expect(heading(container.querySelector('ipos-scope-list')!)).to.equal(fr['scopes.heading']);
      expect(heading(generator)).to.equal(ar['tokens.heading']);

      expect(snapshot()).to.deep.equal(before);
      expect(Object.getOwnPropertyNames(window).filter((name) => !globals.has(name))).to.deep.equal([]);
    });
  });

  describe('direction', () => {
    for (const [locale, dir] of [
      ['ar', 'rtl'],
      ['fr', 'ltr'],
    ] as const) {
      it(`${locale} elements set lang="${locale}" and dir="${dir}" on every base part`, async () => {
        const session = new ReferenceSession('merchant');
        const container = await mount<HTMLElement>(
          html`<div>
            <ipos-credentials locale=${locale} user-role="merchant" .backend=${session.backend()}></ipos-credentials>
            <ipos-scope-list locale=${locale} user-role="iso"></ipos-scope-list>
            <ipos-credentials locale=${locale}></ipos-credentials>
          </div>`,
        );
        await loaded(container);
        const bases = allByPart(container, 'base');
        // Key panel, its scope list, the activity trail, token generator, and the standalone scope list.
        expect(bases).to.have.length(5);
        expect(bases.map((base) => [base.getAttribute('lang'), base.getAttribute('dir')])).to.deep.equal(
          bases.map(() => [locale, dir]),
        );
        const roleError = byPart(container, 'role-error');
        expect([roleError.getAttribute('lang'), roleError.getAttribute('dir')]).to.deep.equal([locale, dir]);
        expect(roleError.textContent?.trim()).to.equal(SHIPPED[locale]['role.missing']);
      });
    }
  });

  describe('times and durations', () => {
    /** Every language's dates and times in Latin digits, as the elements write them (docs/languages.md). */
    const latin = (locale: string) => `${locale}-u-nu-latn`;
    const moment = (iso: string, locale: string) =>
      new Intl.DateTimeFormat(latin(locale), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

    for (const [locale, expected] of [
      ['fr', /^Expire dans 24\s+heures\./],
      ['es', /^Caduca dentro de 24\s+horas\./],
      ['ar', new RegExp(`^${escapeRegExp(ar['tokens.expiresIn'].replace('{relative}', '§')).replace('§', '.*ساعة')}`)],
    ] as const) {
      it(`a token’s expiry reads in ${locale}, through Intl`, async () => {
        const session = new ReferenceSession('merchant');
        const element = await localizedGenerator(session, locale);
        const { expiresAt } = await generateToken(element);
        const expiry = text(element, 'expiry');
        expect(expiry).to.match(expected);
        expect(expiry).to.contain(
          new Intl.RelativeTimeFormat(latin(locale), { numeric: 'always' }).format(24, 'hour').replace(/\s+/g, ' '),
        );
        expect(expiry).to.contain(
          SHIPPED[locale]['tokens.validUntil'].replace('{time}', moment(expiresAt, locale)).replace(/\s+/g, ' '),
        );
      });
    }

    for (const locale of ['ar', 'ar-EG', 'fa']) {
      it(`${locale}: dates, times, countdowns and counts in Latin digits, as keys, TPNs and IDs are, in every engine`, async () => {
        const session = new ReferenceSession('merchant');
        await session.call('POST', '/credentials');
        await session.resetSecret(60);
        const element = await mount<IposCredentials>(
          html`<ipos-credentials
            locale=${locale}
            user-role="merchant"
            reset-grace-options="0,90"
            .backend=${session.backend()}
          ></ipos-credentials>`,
        );
        await waitUntil(() => allByPart(element, 'tpn-select').length === 1, 'screen did not load');
        await generateToken(element.shadowRoot!.querySelector('ipos-token-generator')!);
        await waitUntil(() => allByPart(element, 'event').length > 0, 'trail did not load');
        byPart(element, 'reset-button').click();
        await settle(element);
        const screen = renderedText(element).join(' ');
        for (const part of ['previous-secret', 'expiry', 'event', 'grace-options']) {
          expect(
            allByPart(element, part)
              .map((node) => node.textContent)
              .join(' '),
            part,
          ).to.match(/[0-9]/);
        }
        expect(screen.match(/[\u0660-\u0669\u06f0-\u06f9]/gu) ?? [], 'digits other than Latin').to.deep.equal([]);
      });
    }

    it('key dates read in French, through Intl', async () => {
      const session = new ReferenceSession('iso');
      const { keys } = (await session.call('POST', '/credentials')) as Credentials;
      const element = await mount<IposKeyPanel>(
        html`<ipos-key-panel locale="fr" user-role="iso" .backend=${session.backend()}></ipos-key-panel>`,
      );
      await loaded(element);
      const meta = element.shadowRoot!.querySelector('.keys + .meta')?.textContent?.replace(/\s+/g, ' ').trim();
      expect(meta).to.contain(fr['keys.created'].replace('{date}', moment(keys!.createdAt, 'fr')).replace(/\s+/g, ' '));
      expect(meta).to.contain(moment(keys!.secretRotatedAt, 'fr').replace(/\s+/g, ' '));
    });
  });
});
