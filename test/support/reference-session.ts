/**
 * The element tests' handle on the reference backend that web-test-runner serves under /api/ipos:
 * a fresh demo session per test (so tests never share keys), its faults and clock, and the
 * iPOSpays `authenticate-token` check that proves which secret works.
 */
import { HttpBackend } from '../../src/backend/http-backend.js';
import type { ForcedFault } from '../../src/reference/faults.js';
import type { UserRole } from '../../src/contract/roles.js';
import { waitUntil } from './wait.js';

export const API_BASE = '/api/ipos';

export type { ForcedFault };

export class ReferenceSession {
  readonly id = `t-${crypto.randomUUID()}`;
  /** Every contract request this session's backends sent, as `METHOD /path`. */
  readonly requests: string[] = [];
  /** Requests of this session's backends on their way, until their whole answer is in. */
  private inFlight = 0;

  constructor(readonly role: UserRole) {}

  get headers(): Record<string, string> {
    return { 'X-Ipos-Demo-Account': this.role, 'X-Ipos-Demo-Session': this.id };
  }

  /**
   * An `HttpBackend` acting for this session's account (or whoever `headers` names: a portal whose sign-in changes),
   * counting what it sends. While `offline()` says so, its `fetch` rejects with a `TypeError`, as a browser does
   * without a network.
   */
  backend(
    options: {
      retries?: number;
      timeoutMs?: number;
      offline?: () => boolean;
      headers?: () => Record<string, string>;
    } = {},
  ): HttpBackend {
    return new HttpBackend({
      baseUrl: API_BASE,
      headers: options.headers ?? this.headers,
      retries: options.retries ?? 0,
      timeoutMs: options.timeoutMs,
      fetch: async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input), location.href);
        this.requests.push(`${init?.method ?? 'GET'} ${url.pathname.slice(API_BASE.length)}`);
        if (options.offline?.()) throw new TypeError('Failed to fetch');
        this.inFlight++;
        try {
          const response = await fetch(input, init);
          // Read whole here, so that "answered" means the backend has all of it.
          return new Response(response.body ? await response.arrayBuffer() : null, response);
        } finally {
          this.inFlight--;
        }
      },
    });
  }

  /** Whether a request of this session's backends is on its way now, its answer not yet in. */
  get waiting(): boolean {
    return this.inFlight > 0;
  }

  /** Waits until a request of this session's backends is on its way (an element has just started one). */
  sending(): Promise<void> {
    return waitUntil(() => this.inFlight > 0, `no request of session ${this.id} went out`);
  }

  /**
   * Waits until every request of this session's backends has its whole answer: a test that checks what a late answer
   * did (or did not) do waits for it this way, not for a time.
   */
  answered(): Promise<void> {
    return waitUntil(() => this.inFlight === 0, `a request of session ${this.id} is still unanswered`);
  }

  /** Makes the session answer a route with a fault, e.g. `{ 'GET /credentials': { status: 403 } }`. */
  async force(forcedStatus: Record<string, ForcedFault | number>, latencyMs?: number): Promise<void> {
    await this.control('PUT', { faults: { forcedStatus, latencyMs } });
  }

  /** Shifts this session's server clock, e.g. `-(1440 min) + 10 s`: a new 1440-minute token expires in 10 s. */
  async setClockOffset(clockOffsetMs: number): Promise<void> {
    await this.control('PUT', { clockOffsetMs });
  }

  async clearFaults(): Promise<void> {
    await this.control('PUT', { faults: null });
  }

  /** Calls the contract directly, as another tab or an integration would; a `body` is sent as JSON. */
  async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${API_BASE}${path}`, {
      method,
      headers: body === undefined ? this.headers : { ...this.headers, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json();
  }

  /** The secret the backend holds right now, fetched as an integration would (never through an element). */
  async currentSecret(): Promise<string> {
    return ((await this.call('POST', '/credentials/secret/reveal')) as { secretKey: string }).secretKey;
  }

  /** Resets the secret as another tab would; with `graceMinutes`, the previous one keeps working that long. */
  async resetSecret(graceMinutes?: number): Promise<void> {
    const answer = (await this.call(
      'POST',
      '/credentials/secret/reset',
      graceMinutes === undefined ? undefined : { graceMinutes },
    )) as { keys?: unknown };
    if (!answer.keys) throw new Error(`the reset was refused: ${JSON.stringify(answer)}`);
  }

  /** iPOSpays' token API: which key pair is accepted right now. */
  async authenticate(apiKey: string, secretKey: string): Promise<{ status: number; errorCode?: string }> {
    const response = await fetch(`${API_BASE}/authenticate-token`, {
      method: 'POST',
      headers: { apiKey, secretKey, 'X-Ipos-Demo-Session': this.id },
    });
    const body = (await response.json()) as { errorCode?: string };
    return { status: response.status, errorCode: body.errorCode };
  }

  private async control(method: 'PUT' | 'DELETE', body: unknown): Promise<void> {
    const response = await fetch(`${API_BASE}/__reference/session`, {
      method,
      headers: { 'Content-Type': 'application/json', 'X-Ipos-Demo-Session': this.id },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`control route answered ${response.status}: ${await response.text()}`);
  }
}

/** When each `refreshToken` call of the backend started (page time), in order: for "never early" checks. */
export function timeRefreshes(backend: HttpBackend): number[] {
  const starts: number[] = [];
  const refreshToken = backend.refreshToken.bind(backend);
  backend.refreshToken = (input, options) => {
    starts.push(Date.now());
    return refreshToken(input, options);
  };
  return starts;
}
