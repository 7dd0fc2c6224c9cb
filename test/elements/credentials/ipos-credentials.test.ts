import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/define.js';
import type { IposCredentials } from '../../../src/elements/credentials/ipos-credentials.js';
import type { IposKeyPanel } from '../../../src/elements/key-panel/ipos-key-panel.js';
import { ROLE_SCOPES } from '../../../src/contract/roles.js';
import { allByPart, byPart, settle } from '../../support/fixtures.js';
import { RecordingBackend } from '../../support/recording-backend.js';
import { ReferenceSession } from '../../support/reference-session.js';
import { waitUntil } from '../../support/wait.js';

async function mount(template: ReturnType<typeof html>) {
  const element = await fixture<IposCredentials>(template);
  await settle(element);
  return element;
}

const screenParts = (element: IposCredentials) => {
  const root = element.shadowRoot!;
  return {
    keyPanel: root.querySelector('ipos-key-panel'),
    tokenGenerator: root.querySelector('ipos-token-generator'),
  };
};

describe('ipos-credentials', () => {
  it('renders the key panel and the token generator for a merchant', async () => {
    const element = await mount(
      html`<ipos-credentials user-role="merchant" .backend=${new RecordingBackend()}></ipos-credentials>`,
    );
    const { keyPanel, tokenGenerator } = screenParts(element);
    expect(keyPanel).to.exist;
    expect(tokenGenerator).to.exist;
    await expect(element).to.be.accessible();
  });

  for (const role of ['iso', 'agent'] as const) {
    it(`renders only the key panel for ${role}, with the ${role} scopes`, async () => {
      const backend = new ReferenceSession(role).backend();
      const element = await mount(html`<ipos-credentials user-role=${role} .backend=${backend}></ipos-credentials>`);
      const { keyPanel, tokenGenerator } = screenParts(element);
      expect(keyPanel).to.exist;
      expect(tokenGenerator).to.equal(null);
      await waitUntil(() => allByPart(element, 'scope-name').length > 0, 'scopes not shown');
      expect(allByPart(element, 'scope-name').map((node) => node.textContent)).to.deep.equal(ROLE_SCOPES[role]);
      await expect(element).to.be.accessible();
    });
  }

  it('shows a clear error naming the allowed roles and makes no backend call for an unknown role', async () => {
    const backend = new RecordingBackend();
    const element = await mount(html`<ipos-credentials user-role="owner" .backend=${backend}></ipos-credentials>`);
    const error = byPart(element, 'role-error');
    expect(error.textContent).to.contain('merchant').and.contain('iso').and.contain('agent').and.contain('"owner"');
    expect(error.getAttribute('role')).to.equal('alert');
    expect(screenParts(element).keyPanel).to.equal(null);
    expect(backend.calls).to.deep.equal([]);
    await expect(element).to.be.accessible();
  });

  it('shows the role error and hides the host children when user-role is missing', async () => {
    const backend = new RecordingBackend();
    const element = await mount(
      html`<ipos-credentials .backend=${backend}><ipos-scope-list></ipos-scope-list></ipos-credentials>`,
    );
    expect(byPart(element, 'role-error').textContent).to.contain('merchant, iso or agent');
    expect(element.shadowRoot!.querySelector('slot')).to.equal(null);
    expect(backend.calls).to.deep.equal([]);
  });

  it('does not use the ARIA role attribute for the user role', async () => {
    const element = await mount(html`<ipos-credentials role="merchant"></ipos-credentials>`);
    expect(byPart(element, 'role-error')).to.exist;
  });

  it('renders the host’s own elements instead of the default screen, sharing its role', async () => {
    const element = await mount(
      html`<ipos-credentials user-role="iso">
        <ipos-scope-list></ipos-scope-list>
      </ipos-credentials>`,
    );
    expect(screenParts(element).keyPanel).to.equal(null);
    const list = element.querySelector('ipos-scope-list')!;
    expect(allByPart(list, 'scope-name').map((node) => node.textContent)).to.deep.equal(['ExternalApi']);
  });

  it('treats whitespace-only content as empty and shows the default screen', async () => {
    const element = await mount(html`<ipos-credentials user-role="agent"> </ipos-credentials>`);
    expect(screenParts(element).keyPanel).to.exist;
  });

  it('switches to the default screen when the host removes its elements', async () => {
    const element = await mount(
      html`<ipos-credentials user-role="iso"><ipos-scope-list></ipos-scope-list></ipos-credentials>`,
    );
    element.querySelector('ipos-scope-list')!.remove();
    await settle(element);
    expect(screenParts(element).keyPanel).to.exist;
  });

  it('lets an attribute on a child win over the shared role', async () => {
    const element = await mount(
      html`<ipos-credentials user-role="iso">
        <ipos-scope-list id="own" user-role="merchant"></ipos-scope-list>
        <ipos-scope-list id="shared"></ipos-scope-list>
      </ipos-credentials>`,
    );
    const names = (id: string) =>
      allByPart(element.querySelector(`#${id}`)!, 'scope-name').map((node) => node.textContent);
    expect(names('own')).to.deep.equal(ROLE_SCOPES.merchant);
    expect(names('shared')).to.deep.equal(ROLE_SCOPES.iso);
  });

  it('passes role changes down to the elements inside', async () => {
    const element = await mount(
      html`<ipos-credentials user-role="iso"><ipos-scope-list></ipos-scope-list></ipos-credentials>`,
    );
    element.userRole = 'merchant';
    await settle(element);
    expect(allByPart(element.querySelector('ipos-scope-list')!, 'scope-name')).to.have.length(3);
  });

  it('shares white-label wording, with a child’s own wording winning key by key', async () => {
    const shared = { 'scopes.heading': 'Shared heading', 'scope.ExternalApi': 'Onboarding' };
    const own = { 'scopes.heading': 'Own heading' };
    const element = await mount(
      html`<ipos-credentials user-role="iso" .strings=${shared}>
        <ipos-scope-list .strings=${own}></ipos-scope-list>
      </ipos-credentials>`,
    );
    const list = element.querySelector('ipos-scope-list')!;
    expect(byPart(list, 'heading').textContent).to.equal('Own heading');
    expect(byPart(list, 'scope-description').textContent).to.equal('Onboarding');
  });

  it('shares its backend and lets a child’s own backend win', async () => {
    const shared = new RecordingBackend();
    const own = new RecordingBackend();
    const element = await mount(
      html`<ipos-credentials user-role="merchant" .backend=${shared}>
        <ipos-key-panel id="shared"></ipos-key-panel>
        <ipos-key-panel id="own" .backend=${own}></ipos-key-panel>
      </ipos-credentials>`,
    );
    const backendOf = (id: string) =>
      (element.querySelector<IposKeyPanel>(`#${id}`) as unknown as { activeBackend: unknown }).activeBackend;
    expect(backendOf('shared')).to.equal(shared);
    expect(backendOf('own')).to.equal(own);
  });

  it('re-exports the nested parts so hosts can style them through ::part', async () => {
    const element = await mount(
      html`<ipos-credentials user-role="merchant" .backend=${new RecordingBackend()}></ipos-credentials>`,
    );
    const { keyPanel, tokenGenerator } = screenParts(element);
    for (const part of ['api-key', 'secret-key', 'copy-secret-key', 'reset-button', 'status', 'dialog']) {
      expect(keyPanel!.getAttribute('exportparts')).to.contain(part);
    }
    for (const part of ['tpn-select', 'copy-token', 'copy-tpn', 'expiry', 'refresh-button']) {
      expect(tokenGenerator!.getAttribute('exportparts')).to.contain(part);
    }
  });

  it('re-exports every part its nested panels render, prefixed by the element, so none is out of the host’s reach', async () => {
    const session = new ReferenceSession('merchant');
    await session.call('POST', '/credentials');
    const element = await mount(
      html`<ipos-credentials user-role="merchant" .backend=${session.backend()}></ipos-credentials>`,
    );
    await waitUntil(
      () =>
        allByPart(element, 'api-key').length === 1 &&
        allByPart(element, 'tpn-select').length === 1 &&
        allByPart(element, 'event').length === 1,
    );
    const outerNames = new Map<string, string>();
    const activity = element.shadowRoot!.querySelector('ipos-key-activity')!;
    for (const panel of [screenParts(element).keyPanel!, activity, screenParts(element).tokenGenerator!]) {
      const prefix = panel.localName.replace(/^ipos-/, '');
      const exported = new Map(
        panel
          .getAttribute('exportparts')!
          .split(',')
          .map((mapping) => mapping.split(':').map((name) => name.trim()) as [string, string]),
      );
      const rendered = new Set([...panel.shadowRoot!.querySelectorAll('[part]')].flatMap((node) => [...node.part]));
      for (const part of rendered)
        expect(exported.get(part), `${panel.localName} part "${part}"`).to.equal(`${prefix}__${part}`);
      for (const outer of exported.values()) {
        expect(outerNames.get(outer), `"${outer}" reaches two elements`).to.equal(undefined);
        outerNames.set(outer, panel.localName);
      }
    }
    expect(outerNames.size).to.be.greaterThan(20);
  });

  it('styles one panel’s part through the provider without touching the other’s namesake', async () => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('ipos-credentials::part(token-generator__generate-button) { border-top-color: rgb(7, 8, 9); }');
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    try {
      const element = await mount(
        html`<ipos-credentials
          user-role="merchant"
          .backend=${new ReferenceSession('merchant').backend()}
        ></ipos-credentials>`,
      );
      await waitUntil(() => allByPart(element, 'generate-button').length === 2, 'both generate buttons not rendered');
      const { keyPanel, tokenGenerator } = screenParts(element);
      const colour = (panel: Element) =>
        getComputedStyle(panel.shadowRoot!.querySelector('[part~="generate-button"]')!).borderTopColor;
      expect(colour(tokenGenerator!)).to.equal('rgb(7, 8, 9)');
      expect(colour(keyPanel!)).not.to.equal('rgb(7, 8, 9)');
    } finally {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((each) => each !== sheet);
    }
  });

  it('applies the theme to the nested elements', async () => {
    const backend = new ReferenceSession('iso').backend();
    const element = await mount(
      html`<ipos-credentials user-role="iso" theme="dark" .backend=${backend}></ipos-credentials>`,
    );
    await waitUntil(() => allByPart(element, 'base').length > 1, 'nested elements not rendered');
    const bases = allByPart(element, 'base');
    expect(bases.length).to.be.greaterThan(1);
    for (const base of bases) expect(base.classList.contains('dark')).to.equal(true);
  });
});
