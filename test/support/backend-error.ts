import { expect } from 'vitest';
import { BackendError } from '../../src/backend/backend-error.js';

/** The `BackendError` a call rejected with; fails the test when it resolved or rejected with anything else. */
export async function backendError(promise: Promise<unknown>): Promise<BackendError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}
