import type { BackendErrorCode } from '../backend/backend-error.js';
import type { Scope } from '../contract/roles.js';

/** Which value a copy button put on the clipboard; never the value itself. */
export type CopyField = 'apiKey' | 'secretKey' | 'token' | 'tpn';

/** `ipos-keys-generated`: the admin generated an API Key and Secret Key. Carries no secret. */
export interface KeysGeneratedDetail {
  apiKey: string;
  secretKeyHint: string;
  scopes: Scope[];
  createdAt: string;
}

/** `ipos-secret-reset`: a new secret replaced the old one, which no longer works. Carries no secret. */
export interface SecretResetDetail {
  apiKey: string;
  secretKeyHint: string;
  secretRotatedAt: string;
}

/** `ipos-previous-secret-revoked`: the previous secret's grace window was ended; only the current secret works. Carries no secret. */
export interface PreviousSecretRevokedDetail {
  apiKey: string;
  /** The last 4 characters of the current secret, the one that still works. */
  secretKeyHint: string;
}

/** `ipos-copy`: a value was copied to the clipboard. */
export interface CopyDetail {
  field: CopyField;
}

/** `ipos-token-generated` and `ipos-token-refreshed`: the host asked for the token, so it is included. */
export interface TokenDetail {
  token: string;
  tpn: string;
  expiresAt: string;
  graceEndsAt: string;
}

/** `ipos-token-expired`: the token passed its expiry (it may still be refreshed until `graceEndsAt`). */
export interface TokenExpiredDetail {
  tpn: string;
  expiresAt: string;
  graceEndsAt: string;
}

/** The user-facing action that failed. */
export type ErrorAction =
  | 'load-credentials'
  | 'generate-keys'
  | 'copy-api-key'
  | 'copy-secret-key'
  | 'reveal-secret'
  | 'reset-secret'
  | 'revoke-previous-secret'
  | 'load-terminals'
  | 'generate-token'
  | 'refresh-token'
  | 'copy-token'
  | 'copy-tpn'
  | 'load-activity';

/** `ipos-error`: something the user asked for failed; the element shows it too. */
export interface ErrorDetail {
  /**
   * A `BackendError` code; `clipboard` when copying failed; `role-mismatch` when the backend answered for another role
   * than the element's `user-role` (the message names both).
   */
  code: BackendErrorCode | 'clipboard' | 'role-mismatch';
  /** The message shown to the user (localised); never contains a secret. */
  message: string;
  action: ErrorAction;
}

/** Every event the elements dispatch, with its detail: the one type table the rest derives from. */
export interface IposEventDetails {
  'ipos-keys-generated': KeysGeneratedDetail;
  'ipos-secret-reset': SecretResetDetail;
  'ipos-previous-secret-revoked': PreviousSecretRevokedDetail;
  'ipos-copy': CopyDetail;
  'ipos-token-generated': TokenDetail;
  'ipos-token-refreshed': TokenDetail;
  'ipos-token-expired': TokenExpiredDetail;
  'ipos-error': ErrorDetail;
}

export type IposEventName = keyof IposEventDetails;

/** Which panel dispatches an event (the provider passes on both). */
export type EventSource = 'key-panel' | 'token-generator' | 'both';

/** Every event at run time, checked against the type table, with the element that dispatches it. */
export const IPOS_EVENTS = {
  'ipos-keys-generated': 'key-panel',
  'ipos-secret-reset': 'key-panel',
  'ipos-previous-secret-revoked': 'key-panel',
  'ipos-copy': 'both',
  'ipos-token-generated': 'token-generator',
  'ipos-token-refreshed': 'token-generator',
  'ipos-token-expired': 'token-generator',
  'ipos-error': 'both',
} as const satisfies { [Name in IposEventName]: EventSource };

/** The names of every event, for hosts that log or forward them all. */
export const IPOS_EVENT_NAMES = Object.keys(IPOS_EVENTS) as readonly IposEventName[];

/** Dispatches a bubbling, composed ipos event so hosts can listen on any ancestor or the document. */
export function dispatchIposEvent<Name extends IposEventName>(
  target: EventTarget,
  name: Name,
  detail: IposEventDetails[Name],
): void {
  target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
}

/** Each event as listeners receive it. */
export type IposEventMap = { [Name in IposEventName]: CustomEvent<IposEventDetails[Name]> };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface GlobalEventHandlersEventMap extends IposEventMap {}
}
