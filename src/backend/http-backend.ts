/**
 * `HttpBackend`: the `CredentialsBackend` that speaks the HTTP contract (`src/contract/`) with `fetch`.
 * Small on purpose — it ships to browsers: answers are checked by the guards of `guards.ts` (mirrors of the
 * zod schemas), so zod itself stays out of browser bundles.
 */
import { describeIssues } from '../contract/describe-issues.js';
import { ANSWER_GUARDS, errorBodyGuard, type Guard } from '../contract/guards.js';
import { ROUTES, type OperationId, type RouteDefinition } from '../contract/routes.js';
import type {
  ActivityPage,
  AuthToken,
  ContractBody,
  Credentials,
  RevealedSecret,
  Terminal,
} from '../contract/bodies.js';
import { numberOption } from '../options/number-option.js';
import { HTTP_BACKEND } from '../options/ranges.js';
import { httpAccountKey } from './account-key.js';
import { BackendError, codeForStatus } from './backend-error.js';
import { newIdempotencyKey } from './idempotency-key.js';
import type {
  CredentialsBackend,
  GenerateTokenInput,
  ListActivityInput,
  RefreshTokenInput,
  RequestOptions,
  ResetSecretOptions,
} from './credentials-backend.js';

/** What `new Headers(…)` accepts (the DOM's `HeadersInit`), named so that Node typings without the DOM lib read it. */
export type HeaderValues = NonNullable<ConstructorParameters<typeof Headers>[0]>;
/** `fetch`'s `credentials` mode (the DOM's `RequestCredentials`). */
export type FetchCredentials = 'omit' | 'same-origin' | 'include';

export interface HttpBackendOptions {
  /** Base of the HTTP contract, relative (`/api/ipos`) or absolute, with or without a trailing slash. */
  baseUrl: string;
  /** The `fetch` to use (tests, proxies, the in-browser reference backend); default the global one. */
  fetch?: typeof fetch;
  /** Extra headers on every request, or a function returning them per attempt (CSRF tokens, bearer sessions). */
  headers?: HeaderValues | (() => HeaderValues | Promise<HeaderValues>);
  /** `fetch`'s `credentials` mode, e.g. `include` for a cookie session on another origin. */
  credentials?: FetchCredentials;
  /** Time allowed for one attempt (answer and body), in whole ms from 1 to 600000. Default 15000. */
  timeoutMs?: number;
  /** Extra attempts after a retryable failure (network, timeout, 429, 502, 503, 504), 0–10. Default 2. */
  retries?: number;
  /** Base of the exponential backoff, in whole ms from 0 to 60000. Default 300. */
  retryDelayMs?: number;
  /**
   * Makes the `Idempotency-Key` of each mutating call (one key for all retries of that call).
   * Default a random UUID (also on plain-http pages, see `newIdempotencyKey`). `false` sends none unless the call passes `idempotencyKey` — and
   * writes without a key are never retried. A key in the call's options always wins.
   */
  idempotencyKey?: (() => string) | false;
  /**
   * Which account this backend acts for (see `CredentialsBackend.accountKey`): tabs share Auth Tokens only
   * within one account. Default: the base URL and the fixed `headers` (hashed), which tells apart accounts
   * chosen by a header; with a `headers` function there is no default (its values may change per request),
   * so pass the signed-in user's or tenant's id here for tabs to share tokens.
   */
  accountKey?: string;
}

/**
 * The largest answer body read, in bytes (1 MiB; the contract's answers are a few hundred bytes). A larger
 * one is refused with `invalid-response` once the limit is reached (or at once from its `Content-Length`),
 * never buffered whole; an error answer that large counts as one without `errorCode`/`errorMessage`.
 */
export const MAX_ANSWER_BYTES = 1024 * 1024;
/** `errorMessage` and `errorCode` are cut to these lengths (with `…`) before they reach `BackendError`. */
export const MAX_ERROR_MESSAGE_LENGTH = 500;
export const MAX_ERROR_CODE_LENGTH = 64;

/** Statuses worth another attempt: the server said "later" or a gateway failed before the work. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
/** A `Retry-After` longer than this is not waited for: the error is surfaced with `retryAfter` instead. */
const MAX_RETRY_AFTER_MS = 10_000;

type Method = 'GET' | 'POST';

/** The clients `HttpBackend.forBase` made, by base. */
const sharedByBase = new Map<string, HttpBackend>();

interface Call<T> {
  method: Method;
  path: string;
  schema: Guard<T>;
  body?: unknown;
  options?: RequestOptions;
}

/** One read in flight and how many callers still wait for it. */
interface Flight<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiting: number;
}

/** Why one attempt failed, and whether another attempt may help. */
interface AttemptFailure {
  error: BackendError;
  retryable: boolean;
  /** Server-requested wait before the next attempt, in ms. */
  retryAfterMs?: number;
}

/**
 * Calls the HTTP contract with `fetch`: JSON in and out, a timeout per attempt, abort,
 * retries with exponential backoff + jitter honouring `Retry-After` (reads and idempotency-keyed
 * writes only), zod validation of every answer, and one `BackendError` for every failure.
 *
 * @example
 * const backend = new HttpBackend({ baseUrl: '/api/ipos', headers: () => ({ 'X-CSRF-Token': csrf() }) });
 * const credentials = await backend.getCredentials({ signal });
 */
export class HttpBackend implements CredentialsBackend {
  readonly baseUrl: string;
  readonly accountKey?: string;
  private readonly fetchImpl: typeof fetch;
  private readonly headers: HttpBackendOptions['headers'];
  private readonly credentials: FetchCredentials | undefined;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly idempotencyKey: (() => string) | false;
  /** Reads in flight, by path, shared by the callers that ask for the same thing meanwhile. */
  private readonly reads = new Map<string, Flight<unknown>>();

  /**
   * The shared client of an `api-base`: every element pointing at the same base uses one client, so they
   * share its reads in flight (and one account's state).
   */
  static forBase(baseUrl: string): HttpBackend {
    let backend = sharedByBase.get(baseUrl);
    if (!backend) sharedByBase.set(baseUrl, (backend = new HttpBackend({ baseUrl })));
    return backend;
  }

  constructor(options: HttpBackendOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    // Called detached, never as `this.fetchImpl(...)`: browsers throw "Illegal invocation" for a foreign `this`.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.headers = options.headers;
    this.credentials = options.credentials;
    // Checked, not trusted: `retries: NaN` once retried without end, `timeoutMs: NaN` timed out at once.
    this.timeoutMs = numberOption(options.timeoutMs, HTTP_BACKEND.timeoutMs);
    this.retries = numberOption(options.retries, HTTP_BACKEND.retries);
    this.retryDelayMs = numberOption(options.retryDelayMs, HTTP_BACKEND.retryDelayMs);
    this.idempotencyKey = options.idempotencyKey ?? newIdempotencyKey;
    this.accountKey = options.accountKey ?? httpAccountKey(this.baseUrl, options.headers);
  }

  getCredentials(options?: RequestOptions): Promise<Credentials> {
    return this.operation('getCredentials', undefined, options);
  }

  generateKeys(options?: RequestOptions): Promise<Credentials> {
    return this.operation('generateKeys', undefined, options);
  }

  revealSecret(options?: RequestOptions): Promise<RevealedSecret> {
    return this.operation('revealSecret', undefined, options);
  }

  resetSecret(options?: ResetSecretOptions): Promise<Credentials> {
    const graceMinutes = options?.graceMinutes;
    // No body without a grace window: the request stays what a server without grace windows accepts.
    return this.operation('resetSecret', graceMinutes === undefined ? undefined : { graceMinutes }, options);
  }

  revokePreviousSecret(options?: RequestOptions): Promise<Credentials> {
    return this.operation('revokePreviousSecret', undefined, options);
  }

  async listTerminals(options?: RequestOptions): Promise<Terminal[]> {
    const list = await this.operation('listTerminals', undefined, options);
    return list.terminals;
  }

  generateToken(input: GenerateTokenInput, options?: RequestOptions): Promise<AuthToken> {
    return this.operation('generateToken', { tpn: input.tpn, expiresInMinutes: input.expiresInMinutes }, options);
  }

  refreshToken(input: RefreshTokenInput, options?: RequestOptions): Promise<AuthToken> {
    return this.operation('refreshToken', { token: input.token }, options);
  }

  listActivity(input: ListActivityInput, options?: RequestOptions): Promise<ActivityPage> {
    return this.operation('listActivity', undefined, options, { cursor: input.cursor, limit: input.limit });
  }

  /** Calls one operation of the route table: its method, path (with the query it reads) and answer guard. */
  private operation<Id extends OperationId>(
    id: Id,
    body: unknown,
    options: RequestOptions | undefined,
    query: Record<string, string | number | undefined> = {},
  ): Promise<ContractBody<(typeof ROUTES)[Id]['response']>> {
    const { method, response } = ROUTES[id];
    const route: RouteDefinition = ROUTES[id];
    const search = new URLSearchParams();
    for (const name of route.query ?? []) if (query[name] !== undefined) search.set(name, String(query[name]));
    const path = search.toString() ? `${route.path}?${search.toString()}` : route.path;
    const schema = ANSWER_GUARDS[response] as Guard<ContractBody<(typeof ROUTES)[Id]['response']>>;
    return method === 'GET' ? this.read(path, schema, options) : this.call({ method, path, schema, body, options });
  }

  /**
   * A read; identical reads in flight at the same time share one request (the elements of one screen
   * all asking for `/credentials` make one call). A caller's `signal` ends only that caller's wait:
   * the request is aborted only once every caller waiting for it has aborted.
   */
  private async read<T>(path: string, schema: Guard<T>, options?: RequestOptions): Promise<T> {
    const signal = options?.signal;
    if (signal?.aborted) throw abortedError({ method: 'GET', path });
    // Shared only between callers sending the same headers: a client whose headers follow the signed-in
    // user must never hand one account's answer to another's request.
    const headers = new Headers(await this.extraHeaders({ method: 'GET', path }));
    const sharing = `${path}\n${JSON.stringify([...headers])}`;
    if (signal?.aborted) throw abortedError({ method: 'GET', path });
    let flight = this.reads.get(sharing) as Flight<T> | undefined;
    if (!flight) {
      const controller = new AbortController();
      const shared: Flight<T> = {
        controller,
        waiting: 0,
        promise: this.call({ method: 'GET', path, schema, options: { signal: controller.signal } }).finally(() => {
          if (this.reads.get(sharing) === shared) this.reads.delete(sharing);
        }),
      };
      this.reads.set(sharing, (flight = shared));
    }
    const joined = flight;
    joined.waiting++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        reject(abortedError({ method: 'GET', path }, signal?.reason));
        if (--joined.waiting > 0) return;
        if (this.reads.get(sharing) === joined) this.reads.delete(sharing);
        joined.controller.abort(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      joined.promise.then(resolve, reject).finally(() => signal?.removeEventListener('abort', onAbort));
    });
  }

  private async call<T>(call: Call<T>): Promise<T> {
    const signal = call.options?.signal;
    // A caller-chosen key makes a user's Retry of the same action harmless too, not just our own retries.
    const makeKey = this.idempotencyKey;
    const key = call.method === 'GET' ? undefined : (call.options?.idempotencyKey ?? (makeKey ? makeKey() : undefined));
    // A write may run twice if retried without a key; only reads and keyed writes are safe to repeat.
    const mayRetry = call.method === 'GET' || key !== undefined;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw abortedError(call);
      const result = await this.attempt(call, key);
      if (!('error' in result)) return result.value;
      const { error, retryable, retryAfterMs } = result;
      if (!mayRetry || !retryable || attempt >= this.retries) throw error;
      if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS) throw error;
      await sleep(retryAfterMs ?? this.backoff(attempt), signal).catch(() => {
        throw abortedError(call);
      });
    }
  }

  /** Full-jitter exponential backoff: spreads retries of many clients over [base·2ⁿ/2, base·2ⁿ). */
  private backoff(attempt: number): number {
    const ceiling = this.retryDelayMs * 2 ** attempt;
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private async attempt<T>(call: Call<T>, key: string | undefined): Promise<{ value: T } | AttemptFailure> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const onCallerAbort = () => controller.abort();
    call.options?.signal?.addEventListener('abort', onCallerAbort, { once: true });
    // Raced so that abort and timeout win even against a `fetch` (or body) that ignores the signal.
    const interrupted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    interrupted.catch(() => undefined);
    try {
      const headers = await this.requestHeaders(call, key);
      const response = await Promise.race([
        this.fetchImpl(this.baseUrl + call.path, {
          method: call.method,
          headers,
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
          credentials: this.credentials,
          signal: controller.signal,
        }),
        interrupted,
      ]);
      const text = await Promise.race([readCapped(response, MAX_ANSWER_BYTES), interrupted]);
      if (response.ok) {
        if (text === undefined) return tooLarge(call);
        return parseAnswer(call, text);
      }
      return failureFor(call, response, text ?? '');
    } catch (cause) {
      if (cause instanceof BackendError) return { error: cause, retryable: false };
      if (call.options?.signal?.aborted) return { error: abortedError(call, cause), retryable: false };
      if (timedOut) {
        const error = new BackendError('timeout', `${describe(call)} got no answer within ${this.timeoutMs} ms`, {
          cause,
        });
        return { error, retryable: true };
      }
      const error = new BackendError('network', `${describe(call)} could not reach the server`, { cause });
      return { error, retryable: true };
    } finally {
      clearTimeout(timer);
      call.options?.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  /** The `headers` option's headers for one attempt; a throwing option fails the call as `invalid-request`. */
  private async extraHeaders(call: Pick<Call<unknown>, 'method' | 'path'>): Promise<HeaderValues | undefined> {
    try {
      return typeof this.headers === 'function' ? await this.headers() : this.headers;
    } catch (cause) {
      throw new BackendError('invalid-request', `${describe(call)} was not sent: the headers option threw`, { cause });
    }
  }

  private async requestHeaders(call: Call<unknown>, key: string | undefined): Promise<Headers> {
    const headers = new Headers(await this.extraHeaders(call));
    headers.set('Accept', 'application/json');
    if (call.body !== undefined) headers.set('Content-Type', 'application/json');
    if (key !== undefined) headers.set('Idempotency-Key', key);
    return headers;
  }
}

function describe(call: Pick<Call<unknown>, 'method' | 'path'>): string {
  return `${call.method} ${call.path}`;
}

function abortedError(call: Pick<Call<unknown>, 'method' | 'path'>, cause?: unknown): BackendError {
  return new BackendError('aborted', `${describe(call)} was aborted`, { cause });
}

/** The body as text, or `undefined` (and the rest left unread) once it is longer than `limit` bytes. */
async function readCapped(response: Response, limit: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('Content-Length'));
  if (declared > limit) {
    void response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!response.body) return response.text();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    bytes += value.byteLength;
    if (bytes > limit) {
      void reader.cancel().catch(() => undefined);
      return undefined;
    }
    text += decoder.decode(value, { stream: true });
  }
}

function tooLarge(call: Call<unknown>): AttemptFailure {
  const error = new BackendError(
    'invalid-response',
    `${describe(call)} answered with a body larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB`,
  );
  return { error, retryable: false };
}

/** `text` cut to `max` characters, the last one an ellipsis when it was longer. */
function capped(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A 2xx answer: JSON that matches the schema, or `invalid-response`. */
function parseAnswer<T>(call: Call<T>, text: string): { value: T } | AttemptFailure {
  const invalid = (why: string) => ({
    error: new BackendError('invalid-response', `${describe(call)} answered with ${why}`),
    retryable: false,
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return invalid('a body that is not JSON');
  }
  const result = call.schema.safeParse(json);
  if (!result.success)
    return invalid(`a body that does not match the contract: ${describeIssues(result.error.issues)}`);
  return { value: result.data };
}

/** A non-2xx answer: the status's code plus the server's `errorCode`/`errorMessage` when it sent them. */
function failureFor(call: Call<unknown>, response: Response, text: string): AttemptFailure {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = errorBodyGuard.safeParse(body);
  // A server (or a proxy) may send megabytes here: only a readable length reaches the error and the screen.
  const serverError = parsed.success
    ? {
        errorCode: capped(parsed.data.errorCode, MAX_ERROR_CODE_LENGTH),
        errorMessage: capped(parsed.data.errorMessage, MAX_ERROR_MESSAGE_LENGTH),
      }
    : undefined;
  const retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'));
  const detail = serverError ? `${serverError.errorCode}: ${serverError.errorMessage}` : `HTTP ${response.status}`;
  const error = new BackendError(
    codeForStatus(response.status),
    `${describe(call)} failed (${response.status}) ${detail}`,
    {
      status: response.status,
      errorCode: serverError?.errorCode,
      errorMessage: serverError?.errorMessage,
      retryAfter: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
    },
  );
  return { error, retryable: RETRYABLE_STATUSES.has(response.status), retryAfterMs };
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms; `undefined` when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Resolves after `ms`, or rejects at once (clearing the timer) when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
