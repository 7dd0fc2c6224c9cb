/**
 * A server-rendered element on a page whose hydration support did not run before Lit (a bundler moved Lit into a
 * chunk that runs first): without a guard Lit renders a second screen after the server's. The element drops the
 * server's copy instead and says why, once.
 */
import { expect } from '@open-wc/testing';
import '../../../src/define.js';
import type { IposScopeList } from '../../../src/elements/scope-list/ipos-scope-list.js';
import { ConsoleLog } from '../../support/leak-scan.js';

const SERVER_COPY =
  '<template shadowrootmode="open"><section part="base" class="stale">server copy</section></template>';

describe('a server-rendered shadow root without hydration support', () => {
  it('is replaced by one fresh render, with a warning that names the missing import', async () => {
    const log = new ConsoleLog();
    const host = document.createElement('div');
    try {
      // Parsed like a server's HTML: the declarative shadow root is attached before the element upgrades.
      host.setHTMLUnsafe(`<ipos-scope-list user-role="iso">${SERVER_COPY}</ipos-scope-list>`);
      document.body.append(host);
      const list = host.querySelector('ipos-scope-list') as IposScopeList;
      await list.updateComplete;

      expect(list.shadowRoot!.querySelector('.stale')).to.equal(null);
      expect(list.shadowRoot!.querySelectorAll('[part~="base"]')).to.have.length(1);
      expect(list.shadowRoot!.textContent).to.include('ExternalApi');
      const warnings = log.lines.filter((line) => line.includes('hydration support is not loaded'));
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.include("imports 'ipos-credential-elements/hydrate'");
    } finally {
      host.remove();
      log.dispose();
    }
  });
});
