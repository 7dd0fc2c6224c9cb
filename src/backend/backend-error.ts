import type { BackendErrorCode } from '../contract/error-codes.js';

export { codeForStatus, type BackendErrorCode } from '../contract/error-codes.js';

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
