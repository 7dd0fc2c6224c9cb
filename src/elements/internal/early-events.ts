/**
 * Clicks on a server-rendered screen before its elements hydrate are never lost (docs/ssr.md#before-hydration): a
 * small script the server render inlines (`captureEarlyEvents`) keeps each click on an ipos control, starting a
 * copy's clipboard write inside the user's gesture as browsers require, and each element carries its own out once
 * it has hydrated (`replayEarlyEvents`, installed by `./hydrate`), after the choices made in its form controls. A copy of what the server rendered
 * (the API key, the TPN) lands at once; the rest (the secret, a reset, a token) once the element is ready.
 */

/** A clipboard write started inside the user's gesture, waiting for its text. */
export interface GestureCopy {
  resolve(text: string | Promise<string>): void;
  reject(reason: unknown): void;
  written: Promise<void>;
}

/** A click made before its element hydrated, as the inlined script keeps it. */
export interface EarlyEvent {
  control: HTMLElement;
  host: Element;
  copy?: GestureCopy;
}

type EarlyDocument = Document & { iposEarlyEvents?: EarlyEvent[]; iposKeepEarly?: (event: Event) => void };

/**
 * Inlined by the server render as a classic `<script>` just before `<ipos-credentials>`, so it runs before any of the
 * screen is on view: its source is sent as it is, so it uses nothing but the page's own globals.
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
    const entry: EarlyEvent = { control, host };
    const copies = /\bcopy-/.test(control.getAttribute('part') ?? '');
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
}

/** The copy a replayed click carries: `copyText` finishes its write instead of starting one outside the gesture. */
let replayedCopy: GestureCopy | undefined;

/** The clipboard write the click being replayed started inside its gesture, once; `undefined` for any other click. */
export function takeReplayedCopy(): GestureCopy | undefined {
  const copy = replayedCopy;
  replayedCopy = undefined;
  return copy;
}

/** Whether the user changed a form control from what the server rendered (a terminal chosen before hydration). */
function changedByUser(control: HTMLSelectElement | HTMLInputElement): boolean {
  if (control instanceof HTMLSelectElement)
    return [...control.options].some((option) => option.selected !== option.defaultSelected);
  return control.checked !== control.defaultChecked || control.value !== control.defaultValue;
}

/** Tells `host` of the choices made in it before it hydrated, then carries out its clicks, in order. */
export function replayEarlyEvents(host: Element): void {
  // A change never leaves its shadow root, so no script on the page saw it: the control itself still shows it.
  for (const control of host.shadowRoot?.querySelectorAll<HTMLSelectElement | HTMLInputElement>('select, input') ?? [])
    if (changedByUser(control)) control.dispatchEvent(new Event('change', { bubbles: true }));
  const queue = (host.ownerDocument as EarlyDocument).iposEarlyEvents ?? [];
  const mine = queue.filter((entry) => entry.host === host);
  for (const entry of mine) queue.splice(queue.indexOf(entry), 1);
  for (const { control, copy } of mine) {
    if (!control.isConnected) {
      copy?.reject(new DOMException('The control is gone.', 'AbortError'));
      continue;
    }
    replayedCopy = copy;
    control.click();
    // A click its element ignored (nothing to copy any more) ends its write with nothing on the clipboard.
    takeReplayedCopy()?.reject(new DOMException('Nothing was copied.', 'AbortError'));
  }
}
