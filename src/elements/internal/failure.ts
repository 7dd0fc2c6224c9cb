import { BackendError } from '../../backend/backend-error.js';
import { ClipboardError } from './clipboard.js';
import type { ErrorAction, ErrorDetail } from '../events.js';
import type { CatalogKey } from '../../i18n/en.js';
import type { MessageParams } from '../../i18n/types.js';
import type { UserRole } from '../../contract/roles.js';

/** A failed user action as the element shows it and reports it in `ipos-error`. */
export interface Failure extends ErrorDetail {
  /** Whether running the same action again can help (not for a 403 or a bad request). */
  retryable: boolean;
}

const NOT_RETRYABLE = new Set<ErrorDetail['code']>(['forbidden', 'invalid-request', 'aborted']);

/**
 * The backend answered for another role than the element's `user-role`: nothing of that account is shown, and nothing
 * more is asked of it. Its message names both roles; fixing it is the host's (render `user-role` from the session the
 * backend reads).
 */
export class RoleMismatchError extends Error {
  override readonly name = 'RoleMismatchError';
}

/** The role mismatch of an element for `expected` on a backend that answered for `actual`, in the element's words. */
export function roleMismatch(
  expected: UserRole,
  actual: UserRole,
  t: (key: CatalogKey, params?: MessageParams) => string,
): RoleMismatchError {
  return new RoleMismatchError(t('role.mismatch', { expected: t(`role.${expected}`), actual: t(`role.${actual}`) }));
}

/** Turns whatever a backend call or a copy threw into the localised message the user sees. */
export function describeFailure(action: ErrorAction, error: unknown, t: (key: CatalogKey) => string): Failure {
  if (error instanceof RoleMismatchError)
    return { action, code: 'role-mismatch', message: error.message, retryable: false };
  const code: BackendError['code'] | 'clipboard' =
    error instanceof ClipboardError ? 'clipboard' : error instanceof BackendError ? error.code : 'server';
  const reasonKey: CatalogKey =
    error instanceof ClipboardError ? `reason.clipboard-${error.reason}` : `reason.${code as BackendError['code']}`;
  // A 401's cause is the server's to say (a missing sign-in, an expired session): show its words too, as text.
  const serverSays = code === 'unauthenticated' && error instanceof BackendError ? error.errorMessage : undefined;
  const message = [t(`failed.${action}`), t(reasonKey), serverSays].filter(Boolean).join(' ');
  return { action, code, message, retryable: !NOT_RETRYABLE.has(code) };
}

/** A request the element itself cancelled (newer request, disconnect) is not a failure to show. */
export function isAbort(error: unknown): boolean {
  return (
    (error instanceof BackendError && error.code === 'aborted') ||
    (error instanceof DOMException && error.name === 'AbortError')
  );
}
