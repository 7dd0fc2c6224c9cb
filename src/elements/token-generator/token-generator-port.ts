/**
 * The token generator as its lazily loaded view sees it: the element's own settings, and the slot the view module
 * fills when it runs. The element implements `TokenGeneratorElement`; the view never imports the element.
 */
import type { ReactiveControllerHost } from 'lit';
import type { Terminal } from '../../contract/bodies.js';
import { ViewSlot, type PanelView } from '../internal/lazy-view.js';

/** Where a token stands in its life, as the `expiry` part's `data-state` shows it. */
export type ExpiryState = 'valid' | 'soon' | 'grace' | 'expired';

/** What the view reads of `<ipos-token-generator>` besides what every panel lends (`PanelPort`). */
export interface TokenGeneratorElement extends ReactiveControllerHost, HTMLElement {
  readonly expiresInMinutes: number;
  readonly autoRefresh: boolean;
  readonly refreshBefore: number;
  readonly tpn?: string;
  readonly feedbackDuration: number;
  readonly channelName?: string | false;
}

/** Filled by `token-generator-view.ts`. */
export const tokenGeneratorViews = new ViewSlot<TokenGeneratorElement, Terminal[], PanelView>();
