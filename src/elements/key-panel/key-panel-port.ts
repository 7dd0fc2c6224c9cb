import type { ReactiveControllerHost } from 'lit';
import type { KeysSession } from '../../headless/keys-session.js';
import type { CatalogKey } from '../../i18n/en.js';
import type { MessageParams } from '../../i18n/types.js';
import type { PanelFeedback } from '../internal/panel-feedback.js';

/** What `<ipos-key-panel>` lends the flows it binds (secret reveal, reset, revoke): its account, feedback and wording. */
export interface KeyPanelPort {
  readonly host: ReactiveControllerHost & HTMLElement & { readonly renderRoot?: ParentNode };
  readonly feedback: PanelFeedback;
  /** The account's keys, shared with every panel of the account; `undefined` while there is no account. */
  session(): KeysSession | undefined;
  t(key: CatalogKey, params?: MessageParams): string;
  locale(): string;
  /** Whether to render what `selector` finds: `pageShows`, or while hydrating what the server rendered. */
  shows(selector: string, pageShows: boolean): boolean;
}

/** The element of the panel's shadow root with that part, if it is rendered (a server render has no root). */
export function partOf<T extends HTMLElement>(port: KeyPanelPort, part: string): T | null {
  return port.host.renderRoot?.querySelector<T>(`[part~="${part}"]`) ?? null;
}
