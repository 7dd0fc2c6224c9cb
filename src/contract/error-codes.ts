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

/**
 * The `errorCode` of a 503 whose cause is the backend's database, out of reach for now (a restart, a failover):
 * the answer carries `Retry-After`, and the same request (with its `Idempotency-Key`) may be sent again.
 */
export const DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE';

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
