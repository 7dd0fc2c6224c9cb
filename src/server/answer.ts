/**
 * The last stage of a request: the answer. JSON bodies, `{ errorCode, errorMessage }` errors, `no-store` on
 * everything; whatever a stage throws becomes an answer here, and only here.
 */
import { DATABASE_UNAVAILABLE } from '../contract/error-codes.js';
import { DatabaseUnavailableError } from './store.js';

/** An answer before it becomes a `Response`. */
export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A refusal with the contract's error body; thrown by any stage, answered by `failureAnswer`. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly errorMessage: string,
    readonly headers?: Record<string, string>,
  ) {
    super(errorMessage);
  }

  toAnswer(): Answer {
    return {
      status: this.status,
      body: { errorCode: this.errorCode, errorMessage: this.errorMessage },
      headers: this.headers,
    };
  }
}

/** An answer thrown out of a transaction so that it rolls back (a 5xx is never remembered). */
export class Rollback extends Error {
  constructor(readonly answer: Answer) {
    super('rollback');
  }
}

/** Every answer carries `no-store`: bodies hold secrets and tokens that no cache may keep. */
export const BASE_HEADERS: Readonly<Record<string, string>> = { 'Cache-Control': 'no-store' };

export function toResponse(answer: Answer): Response {
  const headers = new Headers({ ...BASE_HEADERS, ...answer.headers });
  if (answer.body === undefined) return new Response(null, { status: answer.status, headers });
  headers.set('Content-Type', 'application/json; charset=utf-8');
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers });
}

/** How long a client is asked to wait when the database is out of reach. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * The answer to whatever a stage threw: its own answer for a `Problem`, 503 with `Retry-After` when the database
 * is out of reach, else a logged 500.
 */
export function failureAnswer(error: unknown, logError: (message: string) => void): Answer {
  if (error instanceof Problem) return error.toAnswer();
  if (error instanceof Rollback) return error.answer;
  if (error instanceof DatabaseUnavailableError) {
    logError(`ipos-credentials: database unavailable (${describeCause(error.cause)}); answered 503`);
    return {
      status: 503,
      headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
      body: {
        errorCode: DATABASE_UNAVAILABLE,
        errorMessage: 'The credentials database cannot be reached right now; try again in a few seconds.',
      },
    };
  }
  logError(`ipos-credentials: unexpected failure (${describeCause(error)})`);
  return {
    status: 500,
    body: { errorCode: 'INTERNAL_ERROR', errorMessage: 'The credentials server failed unexpectedly.' },
  };
}

/** Name and message only: our errors never carry a body or a secret, and no stack reaches a log or a client. */
function describeCause(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
}
