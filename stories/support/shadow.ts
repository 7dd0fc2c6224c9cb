/** Story play helpers: find parts through shadow roots, as integrators' tests do. */
export function findPart(root: Element | ShadowRoot, part: string): HTMLElement | null {
  const scope = root instanceof Element && root.shadowRoot ? root.shadowRoot : root;
  for (const element of scope.querySelectorAll<HTMLElement>('*')) {
    if (element.part.contains(part)) return element;
    if (element.shadowRoot) {
      const inner = findPart(element.shadowRoot, part);
      if (inner) return inner;
    }
  }
  return null;
}

/** Waits until the part exists (stories render asynchronously against their backend). */
export async function waitForPart(root: Element, part: string, timeoutMs = 3000): Promise<HTMLElement> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const found = findPart(root, part);
    if (found) return found;
    if (performance.now() > deadline) throw new Error(`part "${part}" never appeared`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
