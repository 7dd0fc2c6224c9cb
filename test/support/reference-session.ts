/**
 * The element tests' handle on the reference backend that web-test-runner serves under /api/ipos:
 * a fresh demo session per test (so tests never share keys), its faults and clock, and the
 * iPOSpays `authenticate-token` check that proves which secret works.
 */
import { HttpBackend } from '../../src/backend/http-backend.js';
import type { ForcedFault } from '../../src/reference/faults.js';
import type { UserRole } from '../../src/contract/roles.js';

export const API_BASE = '/api/ipos';

export type { ForcedFault };

export class ReferenceSession {
  readonly id = `t-${crypto.randomUUID()}`;
  /** Every contract request this session's backends sent, as `METHOD /path`. */
  readonly requests: string[] = [];

  constructor(readonly role: UserRole) {}

  get headers(): Record<string, string> {
    return { 'X-Ipos-Demo-Account': this.role, 'X-Ipos-Demo-Session': this.id };
  }

  /**
   * An `HttpBackend` acting for this session's account, counting what it sends. While `offline()` says
   * so, its `fetch` rejects with a `TypeError`, as a browser does without a network.
   */
  backend(options: { retries?: number; timeoutMs?: number; offline?: () => boolean } = {}): HttpBackend {
    return new HttpBackend({
      baseUrl: API_BASE,
      headers: this.headers,
      retries: options.retries ?? 0,
      timeoutMs: options.timeoutMs,
      fetch: (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input), location.href);
        this.requests.push(`${init?.method ?? 'GET'} ${url.pathname.slice(API_BASE.length)}`);
        if (options.offline?.()) return Promise.reject(new TypeError('Failed to fetch'));
        return fetch(input, init);
      },
    });
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
