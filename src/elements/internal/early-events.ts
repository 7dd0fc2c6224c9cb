/**
 * Clicks on a server-rendered screen before its elements hydrate are never lost (docs/ssr.md#before-hydration): a
 * small script the server render inlines (`captureEarlyEvents`) keeps each click and change on an ipos control,
 * starting a copy's clipboard write inside the user's gesture as browsers require, and each element carries its
 * own out once it has hydrated (`replayEarlyEvents`, installed by `./hydrate`). A copy of what the server rendered
 * (the API key, the TPN) lands at once; the rest (the secret, a reset, a token) once the element is ready.
 */

/** A clipboard write started inside the user's gesture, waiting for its text. */
export interface GestureCopy {
  resolve(text: string | Promise<string>): void;
  reject(reason: unknown): void;
  written: Promise<void>;
}

/** A click or change made before its element hydrated, as the inlined script keeps it. */
export interface EarlyEvent {
  type: 'click' | 'change';
  control: HTMLElement;
  host: Element;
  copy?: GestureCopy;
}

type EarlyDocument = Document & { iposEarlyEvents?: EarlyEvent[]; iposKeepEarly?: (event: Event) => void };

/**
 * Inlined by the server render as a classic `<script>` in `<ipos-credentials>`, so it runs before a user can click:
 * its source is sent as it is, so it uses nothing but the page's own globals. Clicks reach it on the document;
 * changes do not leave a shadow root, so it listens on each server-rendered one.
 */
export function captureEarlyEvents(): void {
  const doc = document as EarlyDocument;
  doc.iposEarlyEvents ??= [];
  const keep = (doc.iposKeepEarly ??= (event: Event) => {
    const target = event.composedPath()[0] as Element | undefined;
    const root = target?.getRootNode?.() as ShadowRoot | undefined;
    const host = root?.host as (Element & { hasUpdated?: boolean }) | undefined;
    const control = target?.closest?.<HTMLElement>('button, select, input');
    if (!host?.localName.startsWith('ipos-') || host.hasUpdated || !control) return;
    const entry: EarlyEvent = { type: event.type as EarlyEvent['type'], control, host };
    const copies = event.type === 'click' && /\bcopy-/.test(control.getAttribute('part') ?? '');
    if (copies && globalThis.isSecureContext && navigator.clipboard?.write && typeof ClipboardItem === 'function') {
      let resolve!: GestureCopy['resolve'];
      let reject!: GestureCopy['reject'];
      const text = new Promise<string>((done, fail) => ((resolve = done), (reject = fail)));
      const blob = text.then((value) => new Blob([value], { type: 'text/plain' }));
      const written = navigator.clipboard.write([new ClipboardItem({ 'text/plain': blob })]);
      written.catch(() => undefined);
      entry.copy = { resolve, reject, written };
      const shown = control.matches('[part~="copy-api-key"]')
        ? root!.querySelector('[part~="api-key"]')?.textContent?.trim()
        : control.matches('[part~="copy-tpn"]')
          ? root!.querySelector<HTMLSelectElement>('[part~="tpn-select"]')?.value
          : undefined;
      if (shown) resolve(shown);
    }
    doc.iposEarlyEvents!.push(entry);
  });
  document.addEventListener('click', keep, true);
  const roots = (node: ParentNode): ShadowRoot[] =>
    [...node.querySelectorAll('*')].flatMap((element) =>
      element.shadowRoot ? [element.shadowRoot, ...roots(element.shadowRoot)] : [],
    );
  for (const root of roots(document)) root.addEventListener('change', keep, true);
}

/** The copy a replayed click carries: `copyText` finishes its write instead of starting one outside the gesture. */
let replayedCopy: GestureCopy | undefined;

/** The clipboard write the click being replayed started inside its gesture, once; `undefined` for any other click. */
export function takeReplayedCopy(): GestureCopy | undefined {
  const copy = replayedCopy;
  replayedCopy = undefined;
  return copy;
}

/** Carries out, in order, the clicks and changes made on `host` before it hydrated. */
export function replayEarlyEvents(host: Element): void {
  const queue = (host.ownerDocument as EarlyDocument).iposEarlyEvents ?? [];
  const mine = queue.filter((entry) => entry.host === host);
  for (const entry of mine) queue.splice(queue.indexOf(entry), 1);
  for (const { type, control, copy } of mine) {
    if (!control.isConnected) {
      copy?.reject(new DOMException('The control is gone.', 'AbortError'));
      continue;
    }
    if (type === 'change') {
      control.dispatchEvent(new Event('change', { bubbles: true }));
      continue;
    }
    replayedCopy = copy;
    control.click();
    // A click its element ignored (nothing to copy any more) ends its write with nothing on the clipboard.
    takeReplayedCopy()?.reject(new DOMException('Nothing was copied.', 'AbortError'));
  }
}
