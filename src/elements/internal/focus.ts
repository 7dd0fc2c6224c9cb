/**
 * Focus after an action whose control the new state replaced or left behind (Generate Keys, Generate Token, a
 * confirmed reset or revoke): it goes to the most useful control of the new state, never to the page's body. The
 * rules, per action: docs/embedding.md#focus.
 */

/** The focused element, through open shadow roots. */
function focusedElement(): Element | null {
  let focused = document.activeElement;
  while (focused?.shadowRoot?.activeElement) focused = focused.shadowRoot.activeElement;
  return focused;
}

/**
 * Whether focus is nowhere the user can be: on the page itself, or still on a control that was removed, disabled or
 * closed in its dialog (until the browser's next frame moves it to the body).
 */
export function focusLost(): boolean {
  const focused = focusedElement();
  return (
    !focused ||
    focused === document.body ||
    !focused.isConnected ||
    (focused as HTMLButtonElement).disabled ||
    !!focused.closest('dialog:not([open])')
  );
}

/**
 * Moves focus to the `to` part of `root` when focus is still on the `from` part there, or was lost with it; focus
 * the user has since put elsewhere stays where it is.
 */
export function handFocus(root: ParentNode, from: string, to: string): void {
  const focused = focusedElement();
  const stayed = focused?.getRootNode() === root && focused.part.contains(from);
  if (stayed || focusLost()) root.querySelector<HTMLElement>(`[part~="${to}"]`)?.focus();
}
