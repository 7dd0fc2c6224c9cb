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
