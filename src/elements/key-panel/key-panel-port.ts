import type { ReactiveControllerHost, TemplateResult } from 'lit';
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

export interface ResetDialogOptions {
  /** `reset-grace-options` as written. */
  graceOptions(): string | undefined;
  /** `confirm-phrase`: what the user must type before Reset is enabled. */
  confirmPhrase(): string | undefined;
  /** `beforeReset`: the host's step-up authentication, asked after the confirmation. */
  beforeReset(): (() => boolean | Promise<boolean>) | undefined;
  /** Masks a revealed secret: the one on screen is about to stop working. */
  hideSecret(): void;
}

/** A confirmation the key panel opens (the reset's, the revoke's): its own module, loaded after the keys show. */
export interface DialogFlow {
  open(): void;
  close(): void;
  render(): TemplateResult;
}

/** The key panel's dialogs. */
export interface KeyPanelDialogs {
  reset: DialogFlow;
  revoke: DialogFlow;
}

/** Where `dialogs.ts` leaves the maker of the dialogs when it runs: from then on every key panel makes them at once. */
export const keyPanelDialogs: { make?: (port: KeyPanelPort, reset: ResetDialogOptions) => KeyPanelDialogs } = {};
