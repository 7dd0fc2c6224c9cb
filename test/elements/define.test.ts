import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import { IposScopeList } from '../../src/elements/scope-list/ipos-scope-list.js';
import { skipHere } from '../support/engine.js';
import { allByPart } from '../support/fixtures.js';

describe('define', () => {
  it('registers every element under its default tag', () => {
    for (const tag of ['ipos-credentials', 'ipos-key-panel', 'ipos-token-generator', 'ipos-scope-list']) {
      expect(customElements.get(tag), tag).to.be.a('function');
    }
  });

  it('is idempotent: defining again under the same tag does nothing', () => {
    expect(() => IposScopeList.define()).not.to.throw();
    expect(customElements.get('ipos-scope-list')).to.equal(IposScopeList);
  });

  it('leaves a tag another class owns as it is, and says so once in a warning', () => {
    class AcmeScopeList extends IposScopeList {}
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      expect(() => AcmeScopeList.define('ipos-scope-list')).not.to.throw();
    } finally {
      console.warn = warn;
    }
    expect(customElements.get('ipos-scope-list')).to.equal(IposScopeList);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('<ipos-scope-list> is already defined by another class');
  });

  it('registers a subclass under a host-chosen tag', async () => {
    class AcmeScopeList extends IposScopeList {}
    AcmeScopeList.define('acme-scope-list');
    const element = await fixture(html`<acme-scope-list user-role="iso"></acme-scope-list>`);
    expect(allByPart(element, 'scope-name').map((node) => node.textContent)).to.deep.equal(['ExternalApi']);
  });

  it('registers in a scoped registry where the browser has them', async function () {
    const Registry = window.CustomElementRegistry as unknown as { new (): CustomElementRegistry };
    let registry: CustomElementRegistry;
    try {
      registry = new Registry();
    } catch {
      skipHere(this, 'this engine has no scoped custom element registries (`new CustomElementRegistry()` throws)');
    }
    IposScopeList.define('ipos-scope-list', registry!);
    expect(registry!.get('ipos-scope-list')).to.equal(IposScopeList);
  });
});
