/** Why a backend call failed; the one vocabulary every element and host handler switches on. */
export type BackendErrorCode =
  | 'network'
  | 'timeout'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'rate-limited'
  | 'server'
  | 'invalid-response'
  | 'invalid-request'
  | 'aborted';

export interface BackendErrorInit {
  /** HTTP status, when the failure came from an answer. */
  status?: number;
  /** The backend's own `errorCode`, e.g. `AUTH_ERR_004`. */
  errorCode?: string;
  /** The backend's own `errorMessage`; rendered as text, never as markup. */
  errorMessage?: string;
  /** Seconds the backend asked us to wait (`Retry-After`). */
  retryAfter?: number;
  cause?: unknown;
}

/** The single error type every `CredentialsBackend` method rejects with. */
export class BackendError extends Error {
  override readonly name = 'BackendError';
  readonly code: BackendErrorCode;
  readonly status?: number;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly retryAfter?: number;

  constructor(code: BackendErrorCode, message: string, init: BackendErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.errorMessage = init.errorMessage;
    this.retryAfter = init.retryAfter;
  }
}

export function isBackendError(error: unknown): error is BackendError {
  return error instanceof BackendError;
}

/** The contract's status → code mapping, shared by the HTTP client and the in-browser reference backend. */
export function codeForStatus(status: number): BackendErrorCode {
  if (status === 400 || status === 405 || status === 413 || status === 415 || status === 422) return 'invalid-request';
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 408) return 'timeout';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate-limited';
  return 'server';
}
