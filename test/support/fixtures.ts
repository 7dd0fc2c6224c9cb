/** Small helpers the element tests share: reaching into shadow roots by part. */

/** Every element with the part, searched through nested shadow roots. */
export function allByPart(root: Element | ShadowRoot, part: string): HTMLElement[] {
  const found: HTMLElement[] = [];
  const visit = (node: Element | ShadowRoot) => {
    for (const element of node.querySelectorAll<HTMLElement>('*')) {
      if (element.part.contains(part)) found.push(element);
      if (element.shadowRoot) visit(element.shadowRoot);
    }
  };
  visit(root instanceof Element && root.shadowRoot ? root.shadowRoot : root);
  return found;
}

/** The one element with the part; fails loudly when there is none or more than one. */
export function byPart(root: Element | ShadowRoot, part: string): HTMLElement {
  const found = allByPart(root, part);
  if (found.length !== 1) throw new Error(`expected one [part~="${part}"], found ${found.length}`);
  return found[0];
}

/** Waits until every custom element below the root, including ones rendered meanwhile, has finished rendering. */
export async function settle(root: Element): Promise<void> {
  for (let round = 0; round < 5; round++) {
    if (await settleOnce(root)) return;
  }
}

/** Resolves true when nothing was left to render. */
async function settleOnce(root: Element): Promise<boolean> {
  const pending: Promise<boolean>[] = [];
  const visit = (node: Element | ShadowRoot) => {
    for (const element of node.querySelectorAll('*')) {
      const updateComplete = (element as { updateComplete?: Promise<boolean> }).updateComplete;
      if (updateComplete) pending.push(updateComplete);
      if (element.shadowRoot) visit(element.shadowRoot);
    }
  };
  visit(root);
  if (root.shadowRoot) visit(root.shadowRoot);
  const own = (root as { updateComplete?: Promise<boolean> }).updateComplete;
  if (own) pending.push(own);
  // updateComplete resolves false when another update was queued meanwhile.
  return (await Promise.all(pending)).every(Boolean);
}

/** `text` as a regular expression that matches it literally. */
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What a screen reader reads of `root`, in order, as one line: its text and the names of images and labelled
 * controls, through open shadow roots, minus what is hidden from it (`aria-hidden`, `hidden`, `display: none`,
 * `visibility: hidden`). Visually hidden text is read: it is there for this.
 */
export function spokenText(root: Node): string {
  const words: string[] = [];
  const visit = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) words.push(node.textContent ?? '');
    if (!(node instanceof Element)) {
      for (const child of node.childNodes) visit(child);
      return;
    }
    const style = getComputedStyle(node);
    const hidden = node.getAttribute('aria-hidden') === 'true' || (node as HTMLElement).hidden;
    if (hidden || style.display === 'none' || style.visibility === 'hidden' || node.localName === 'style') return;
    const label = node.getAttribute('aria-label');
    if (node.getAttribute('role') === 'img') return void words.push(`image, ${label ?? ''},`);
    if (label !== null) return void words.push(label);
    for (const child of (node.shadowRoot ?? node).childNodes) visit(child);
  };
  visit(root);
  return words.join(' ').replace(/\s+/g, ' ').trim();
}
