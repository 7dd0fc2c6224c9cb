import type { ActivityPage, AuthToken, Credentials, RevealedSecret, Terminal } from '../contract/bodies.js';

/** Per-call options every backend method accepts. */
export interface RequestOptions {
  /** Aborts the call; the promise then rejects with `BackendError` code `aborted`. */
  signal?: AbortSignal;
  /**
   * For mutations: the key that makes a repeat harmless. Pass the same key when retrying the same
   * user action (e.g. Retry after a reset timed out) so that the backend does it at most once.
   */
  idempotencyKey?: string;
}

/** A reset's options: the request's, and how long the previous secret keeps working. */
export interface ResetSecretOptions extends RequestOptions {
  /** 0–1440 whole minutes the previous secret keeps working; 0 or absent: it stops at once. */
  graceMinutes?: number;
}

export interface GenerateTokenInput {
  /** The 12-digit Terminal Profile Number the token is for. */
  tpn: string;
  /** Token lifetime, 1–1440 minutes; the backend's default (1440) when omitted. */
  expiresInMinutes?: number;
}

export interface RefreshTokenInput {
  token: string;
}

export interface ListActivityInput {
  /** The previous page's `nextCursor`; omit for the newest events. */
  cursor?: string;
  /** How many events, 1–100; the backend's default (20) when omitted. */
  limit?: number;
}

/**
 * What the elements need from a backend. `HttpBackend` implements it over the HTTP contract;
 * `ReferenceBackend` implements it in the browser; hosts may supply their own adapter.
 * Every method rejects with a `BackendError`.
 */
export interface CredentialsBackend {
  /**
   * Identifies the account this backend acts for: two backends for different accounts must differ, two for the
   * same account (in two tabs) must be equal. `TokenSession` shares Auth Tokens between tabs only within one
   * account (it posts only a hash of this). Not a secret and not a credential. Optional: without it (and without
   * the session's `account` option) tokens are not shared between tabs.
   */
  readonly accountKey?: string;
  getCredentials(opts?: RequestOptions): Promise<Credentials>;
  generateKeys(opts?: RequestOptions): Promise<Credentials>;
  revealSecret(opts?: RequestOptions): Promise<RevealedSecret>;
  /** Replaces the secret; with `graceMinutes` the previous one keeps working that long (`keys.previousSecretValidUntil`). */
  resetSecret(opts?: ResetSecretOptions): Promise<Credentials>;
  /**
   * Ends the previous secret's grace window now; with no window open it just answers the credentials. Optional: a
   * backend without it is still valid, and `<ipos-key-panel>` then offers no "Revoke previous secret now".
   */
  revokePreviousSecret?(opts?: RequestOptions): Promise<Credentials>;
  listTerminals(opts?: RequestOptions): Promise<Terminal[]>;
  generateToken(input: GenerateTokenInput, opts?: RequestOptions): Promise<AuthToken>;
  refreshToken(input: RefreshTokenInput, opts?: RequestOptions): Promise<AuthToken>;
  /**
   * A page of the account's activity trail, newest first. Optional: a backend without it is still valid, and
   * `<ipos-key-activity>` then stays hidden and calls nothing.
   */
  listActivity?(input: ListActivityInput, opts?: RequestOptions): Promise<ActivityPage>;
}
