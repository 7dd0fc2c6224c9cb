import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/define.js';
import type { IposScopeList } from '../../../src/elements/scope-list/ipos-scope-list.js';
import { ROLE_SCOPES, SCOPE_DEFINITIONS, USER_ROLES } from '../../../src/contract/roles.js';
import { allByPart, byPart } from '../../support/fixtures.js';

const scopeNames = (element: Element) => allByPart(element, 'scope-name').map((node) => node.textContent?.trim());

describe('ipos-scope-list', () => {
  for (const role of USER_ROLES) {
    it(`lists the ${role} scopes with their definitions`, async () => {
      const element = await fixture<IposScopeList>(html`<ipos-scope-list user-role=${role}></ipos-scope-list>`);
      expect(scopeNames(element)).to.deep.equal(ROLE_SCOPES[role]);
      const descriptions = allByPart(element, 'scope-description').map((node) => node.textContent?.trim());
      expect(descriptions).to.deep.equal(ROLE_SCOPES[role].map((scope) => SCOPE_DEFINITIONS[scope]));
      await expect(element).to.be.accessible();
    });
  }

  it('shows merchant scopes exactly as iPOSpays assigns them', async () => {
    const element = await fixture(html`<ipos-scope-list user-role="merchant"></ipos-scope-list>`);
    expect(scopeNames(element)).to.deep.equal(['PaymentTokenization', 'Recurring', 'BatchReport']);
  });

  it('names the allowed roles when the role is unknown', async () => {
    const element = await fixture(html`<ipos-scope-list user-role="admin"></ipos-scope-list>`);
    const error = byPart(element, 'error');
    expect(error.getAttribute('role')).to.equal('alert');
    expect(error.textContent).to.contain('merchant').and.contain('iso').and.contain('agent').and.contain('"admin"');
    expect(allByPart(element, 'scope')).to.have.length(0);
    await expect(element).to.be.accessible();
  });

  it('names the allowed roles when the role is missing', async () => {
    const element = await fixture(html`<ipos-scope-list></ipos-scope-list>`);
    expect(byPart(element, 'error').textContent).to.contain('merchant, iso or agent');
  });

  it('shows the scopes it is given over the role defaults, as the backend decides', async () => {
    const element = await fixture<IposScopeList>(
      html`<ipos-scope-list user-role="merchant" .scopes=${['Recurring']}></ipos-scope-list>`,
    );
    expect(scopeNames(element)).to.deep.equal(['Recurring']);
  });

  it('updates when the role changes', async () => {
    const element = await fixture<IposScopeList>(html`<ipos-scope-list user-role="iso"></ipos-scope-list>`);
    element.userRole = 'merchant';
    await element.updateComplete;
    expect(scopeNames(element)).to.have.length(3);
  });

  it('applies white-label wording key by key', async () => {
    const element = await fixture<IposScopeList>(
      html`<ipos-scope-list user-role="iso" .strings=${{ 'scopes.heading': 'Permissions' }}></ipos-scope-list>`,
    );
    expect(byPart(element, 'heading').textContent).to.equal('Permissions');
    expect(byPart(element, 'scope-description').textContent).to.equal(SCOPE_DEFINITIONS.ExternalApi);
  });
});
