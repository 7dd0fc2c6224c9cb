/**
 * A localized element paints its first frame in its own language: every heading that ever reaches the
 * screen is recorded, frame by frame and on every DOM change, from the moment the element is added.
 * Each test uses a language no earlier test in this page loaded, so its catalogue is still to be fetched.
 */
import { expect } from '@open-wc/testing';
import '../../../src/define.js';
import { ar } from '../../../src/i18n/ar.js';
import { en } from '../../../src/i18n/en.js';
import { es } from '../../../src/i18n/es.js';
import { fr } from '../../../src/i18n/fr.js';
import { ReferenceSession } from '../../support/reference-session.js';
import { waitUntil } from '../../support/wait.js';

/** Every `h2` text in the element and the shadow roots below it. */
function headings(root: Element): string[] {
  const found: string[] = [];
  const visit = (node: Element | ShadowRoot) => {
    for (const element of node.querySelectorAll('*')) {
      if (element.localName === 'h2') found.push(element.textContent!.trim());
      if (element.shadowRoot) visit(element.shadowRoot);
    }
  };
  if (root.shadowRoot) visit(root.shadowRoot);
  return found;
}

/** Adds the element and records the headings of every frame and every DOM change until `done`. */
async function recordHeadings(element: HTMLElement, done: (current: string[]) => boolean): Promise<string[]> {
  const seen = new Set<string>();
  const record = () => headings(element).forEach((heading) => seen.add(heading));
  const observer = new MutationObserver(record);
  const observed = new WeakSet<ShadowRoot>();
  const observeShadowRoots = () => {
    // Nested elements get their shadow roots as they render: observe each one once.
    for (const host of [element, ...element.shadowRoot!.querySelectorAll('*')]) {
      if (!host.shadowRoot || observed.has(host.shadowRoot)) continue;
      observed.add(host.shadowRoot);
      observer.observe(host.shadowRoot, { subtree: true, childList: true, characterData: true });
    }
  };
  let frame = 0;
  const everyFrame = () => {
    observeShadowRoots();
    record();
    frame = requestAnimationFrame(everyFrame);
  };
  document.body.append(element);
  everyFrame();
  try {
    await waitUntil(() => done(headings(element)), 'the localized headings never appeared');
    record();
    return [...seen];
  } finally {
    cancelAnimationFrame(frame);
    observer.disconnect();
    element.remove();
  }
}

describe('first paint in the element’s language', () => {
  it('locale="fr": the key panel never paints English', async () => {
    const element = document.createElement('ipos-key-panel');
    element.setAttribute('user-role', 'iso');
    element.setAttribute('locale', 'fr');
    element.backend = new ReferenceSession('iso').backend();
    const seen = await recordHeadings(element, (current) => current.includes(fr['keys.heading']));
    expect(seen).to.deep.equal([fr['keys.heading']]);
    expect(seen).not.to.include(en['keys.heading']);
  });

  it('locale="es" on the provider: no panel of the merchant screen paints English', async () => {
    const element = document.createElement('ipos-credentials');
    element.setAttribute('user-role', 'merchant');
    element.setAttribute('locale', 'es');
    element.backend = new ReferenceSession('merchant').backend();
    const seen = await recordHeadings(element, (current) => current.length === 3);
    expect(seen.sort()).to.deep.equal([es['keys.heading'], es['activity.heading'], es['tokens.heading']].sort());
  });

  it('locale="ar": the token generator never paints English', async () => {
    const element = document.createElement('ipos-token-generator');
    element.setAttribute('user-role', 'merchant');
    element.setAttribute('locale', 'ar');
    element.backend = new ReferenceSession('merchant').backend();
    const seen = await recordHeadings(element, (current) => current.includes(ar['tokens.heading']));
    expect(seen).to.deep.equal([ar['tokens.heading']]);
  });
});
