import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../src/define.js';
import type { IposKeyPanel } from '../../src/elements/key-panel/ipos-key-panel.js';
import { english, registerLocale } from '../../src/i18n/catalogs.js';
import { enTokens } from '../../src/i18n/en/tokens.js';
import { engine, skipIn } from '../support/engine.js';
import { allByPart, byPart } from '../support/fixtures.js';
import { TokenGeneratorHarness } from '../support/harness.js';
import { ConsoleLog } from '../support/leak-scan.js';
import { ReferenceSession } from '../support/reference-session.js';
import { waitUntil } from '../support/wait.js';

const LIGHT_SURFACE = 'rgb(255, 255, 255)';
const DARK_SURFACE = 'rgb(21, 26, 35)';

async function panelWithKeys(template: (backend: unknown) => ReturnType<typeof html>) {
  const session = new ReferenceSession('iso');
  await session.call('POST', '/credentials');
  const element = await fixture<HTMLElement>(template(session.backend()));
  await waitUntil(() => allByPart(element, 'api-key').length === 1, 'keys not shown');
  return element;
}

const style = (element: Element) => getComputedStyle(element);

/** Only Chromium's runner can emulate media features: Firefox's BiDi and WebKit's WebDriver have no such command. */
const NO_MEDIA_EMULATION = ['firefox', 'webkit'] as const;
const NO_MEDIA_EMULATION_REASON =
  "the test runner cannot emulate media features here (Firefox ESR 153 has no BiDi command for it, WebKitGTK's WebDriver classic none)";
const emulatesMedia = !(NO_MEDIA_EMULATION as readonly string[]).includes(engine);
const panelBase = (root: Element) => allByPart(root, 'base').find((node) => node.localName === 'section')!;

describe('theming', () => {
  afterEach(() => emulatesMedia && emulateMedia({ colorScheme: 'light' }));

  it('applies the dark token values with theme="dark" and the light ones with theme="light"', async () => {
    const dark = await panelWithKeys(
      (backend) => html`<ipos-key-panel user-role="iso" theme="dark" .backend=${backend}></ipos-key-panel>`,
    );
    expect(style(panelBase(dark)).backgroundColor).to.equal(DARK_SURFACE);
    expect(style(panelBase(dark)).colorScheme).to.equal('dark');
    const light = await panelWithKeys(
      (backend) => html`<ipos-key-panel user-role="iso" theme="light" .backend=${backend}></ipos-key-panel>`,
    );
    expect(style(panelBase(light)).backgroundColor).to.equal(LIGHT_SURFACE);
  });

  it('follows prefers-color-scheme with theme="auto" (the default)', async function () {
    skipIn(this, NO_MEDIA_EMULATION, NO_MEDIA_EMULATION_REASON);
    const element = await panelWithKeys(
      (backend) => html`<ipos-key-panel user-role="iso" .backend=${backend}></ipos-key-panel>`,
    );
    await emulateMedia({ colorScheme: 'dark' });
    expect(style(panelBase(element)).backgroundColor).to.equal(DARK_SURFACE);
    await emulateMedia({ colorScheme: 'light' });
    expect(style(panelBase(element)).backgroundColor).to.equal(LIGHT_SURFACE);
  });

  it('takes the host’s --ipos-* tokens from any ancestor, in both schemes', async () => {
    const wrapper = await panelWithKeys(
      (backend) =>
        html`<div style="--ipos-color-surface: rgb(1, 2, 3); --ipos-radius: 13px; --ipos-font-family: monospace">
          <ipos-credentials user-role="iso" theme="dark" .backend=${backend}></ipos-credentials>
        </div>`,
    );
    const base = panelBase(wrapper);
    expect(style(base).backgroundColor).to.equal('rgb(1, 2, 3)');
    expect(style(base).borderTopLeftRadius).to.equal('13px');
    expect(style(base).fontFamily).to.equal('monospace');
  });

  it('lets the host style nested parts through the provider with ::part', async () => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('ipos-credentials::part(key-panel__reset-button) { border-top-color: rgb(7, 8, 9); }');
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    try {
      const element = await panelWithKeys(
        (backend) => html`<ipos-credentials user-role="iso" .backend=${backend}></ipos-credentials>`,
      );
      expect(style(byPart(element, 'reset-button')).borderTopColor).to.equal('rgb(7, 8, 9)');
    } finally {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((each) => each !== sheet);
    }
  });
});

describe('forced colors', () => {
  afterEach(() => emulatesMedia && emulateMedia({ forcedColors: 'none' }));

  /** The copy button of a key panel with keys, focused as from the keyboard. */
  async function focusedButton(): Promise<HTMLElement> {
    const element = await panelWithKeys(
      (backend) => html`<ipos-key-panel user-role="iso" .backend=${backend}></ipos-key-panel>`,
    );
    const button = byPart(element, 'copy-api-key');
    button.focus({ focusVisible: true } as FocusOptions);
    expect(button.matches(':focus-visible'), 'button not focus-visible').to.equal(true);
    return button;
  }

  const alpha = (color: string) =>
    Number(/rgba?\([^)]*?,\s*([\d.]+)\)$/.exec(color)?.[1] ?? (color === 'transparent' ? 0 : 1));

  it('draws the focus ring with box-shadow over a transparent outline in normal colours', async () => {
    const button = await focusedButton();
    expect(style(button).boxShadow).to.not.equal('none');
    expect(style(button).outlineStyle).to.equal('solid');
    expect(alpha(style(button).outlineColor)).to.equal(0);
  });

  it('keeps a visible focus outline with forced-colors: active, where box-shadow is dropped', async function () {
    skipIn(this, NO_MEDIA_EMULATION, NO_MEDIA_EMULATION_REASON);
    await emulateMedia({ forcedColors: 'active' });
    expect(matchMedia('(forced-colors: active)').matches, 'forced colors not emulated').to.equal(true);
    const button = await focusedButton();
    const focused = style(button);
    expect(focused.boxShadow).to.equal('none');
    expect(focused.outlineStyle).to.not.equal('none');
    expect(parseFloat(focused.outlineWidth)).to.be.greaterThan(0);
    expect(alpha(focused.outlineColor), `outline colour ${focused.outlineColor}`).to.be.greaterThan(0);
  });
});

describe('right to left', () => {
  it('mirrors the layout in Arabic: the copy button sits to the left of the key', async () => {
    const rtl = (await panelWithKeys(
      (backend) =>
        html`<ipos-key-panel user-role="iso" locale="ar" .backend=${backend} style="width: 700px"></ipos-key-panel>`,
    )) as IposKeyPanel;
    await waitUntil(() => panelBase(rtl).getAttribute('dir') === 'rtl');
    const key = byPart(rtl, 'api-key').getBoundingClientRect();
    const copy = byPart(rtl, 'copy-api-key').getBoundingClientRect();
    expect(copy.right).to.be.at.most(key.left);
    // The key itself stays left to right, so its prefix reads first.
    expect(style(byPart(rtl, 'api-key')).direction).to.equal('ltr');

    const ltr = await panelWithKeys(
      (backend) =>
        html`<ipos-key-panel user-role="iso" locale="en" .backend=${backend} style="width: 700px"></ipos-key-panel>`,
    );
    expect(byPart(ltr, 'copy-api-key').getBoundingClientRect().left).to.be.at.least(
      byPart(ltr, 'api-key').getBoundingClientRect().right,
    );
  });
});

describe('registerLocale', () => {
  it('adds a partner language; missing keys fall back to English and are reported once each', async () => {
    const consoleLog = new ConsoleLog();
    try {
      registerLocale('de', { 'scopes.heading': 'Worauf diese Schlüssel zugreifen können' });
      const first = await fixture(html`<ipos-scope-list user-role="iso" locale="de"></ipos-scope-list>`);
      await waitUntil(() => byPart(first, 'heading').textContent === 'Worauf diese Schlüssel zugreifen können');
      expect(byPart(first, 'scope-description').textContent).to.equal('Access to merchant onboarding APIs');
      await fixture(html`<ipos-scope-list user-role="merchant" locale="de-AT"></ipos-scope-list>`);
      // Of the English the page has when it loads, and of a view's when it arrives (if it had not yet): each key once.
      await TokenGeneratorHarness.mount(new ReferenceSession('merchant'));
      const warnings = consoleLog.lines.filter((line) => line.includes('"de" catalogue lacks'));
      const reported = warnings.reduce((sum, line) => sum + Number(/lacks (\d+) keys/.exec(line)![1]), 0);
      expect(reported).to.equal(Object.keys(english).length - 1);
      expect(english).to.include.keys(Object.keys(enTokens));
    } finally {
      consoleLog.dispose();
    }
  });
});
