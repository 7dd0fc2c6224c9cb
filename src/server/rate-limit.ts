/**
 * The fourth stage: rate limits. Fixed windows counted in the store, so a limit holds across instances; every
 * answer to a counted request says where the caller stands (`RateLimit`, `RateLimit-Policy`); past the limit,
 * 429 `RATE_LIMITED` with `Retry-After`.
 */
import type { OperationId } from '../contract/routes.js';
import { Problem } from './answer.js';
import type { CredentialStore } from './store.js';

/**
 * The actions with a rate limit: every state-changing route, per account; `authenticate` per API key and, when
 * the host passes one, per source address too (an IPv6 source by its /64).
 */
export type RateLimitedAction = 'generate' | 'reveal' | 'reset' | 'token' | 'authenticate';

export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
}

export const DEFAULT_RATE_LIMITS: Readonly<Record<RateLimitedAction, RateLimit>> = {
  generate: { limit: 10, windowSeconds: 60 },
  reveal: { limit: 30, windowSeconds: 60 },
  reset: { limit: 10, windowSeconds: 60 },
  token: { limit: 60, windowSeconds: 60 },
  authenticate: { limit: 120, windowSeconds: 60 },
};

/** Which limit each operation counts against; operations not named here are not limited. */
export const RATE_LIMITED_OPERATIONS: Partial<Record<OperationId, RateLimitedAction>> = {
  generateKeys: 'generate',
  revealSecret: 'reveal',
  resetSecret: 'reset',
  revokePreviousSecret: 'reset',
  generateToken: 'token',
  refreshToken: 'token',
};

/** Counts requests per action and caller; refuses past the limit. */
export class RateLimiter {
  constructor(
    private readonly store: CredentialStore,
    private readonly limits: Readonly<Record<RateLimitedAction, RateLimit>> | false,
  ) {}

  /** The longest window of any limit: windows that started earlier than that can be forgotten. */
  get longestWindowMs(): number {
    return this.limits ? Math.max(...Object.values(this.limits).map((limit) => limit.windowSeconds * 1000)) : 0;
  }

  /**
   * Counts one request of `action` by `who` (e.g. `account:acme`; several callers, e.g. a source and an API key,
   * each counted, in one transaction) at `now`, and answers the headers that tell the caller where it stands (IETF
   * draft RateLimit header fields, for the caller nearest its limit); 429 when any of them is past the limit. None
   * when limits are off.
   */
  async hit(action: RateLimitedAction, who: string | readonly string[], now: number): Promise<Record<string, string>> {
    if (!this.limits) return {};
    const { limit, windowSeconds } = this.limits[action];
    const windowMs = windowSeconds * 1000;
    const windowStart = Math.floor(now / windowMs) * windowMs;
    const callers = typeof who === 'string' ? [who] : who;
    const hits = await this.store.transaction(async (tx) => {
      let most = 0;
      for (const caller of callers) most = Math.max(most, await tx.countHit(`${action} ${caller}`, windowStart));
      return most;
    });
    const secondsLeft = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
    const headers = {
      RateLimit: `"${action}";r=${Math.max(0, limit - hits)};t=${secondsLeft}`,
      'RateLimit-Policy': `"${action}";q=${limit};w=${windowSeconds}`,
    };
    if (hits > limit) {
      throw new Problem(
        429,
        'RATE_LIMITED',
        `Too many requests of this kind: at most ${limit} every ${windowSeconds} seconds. Try again in ${secondsLeft} s.`,
        { ...headers, 'Retry-After': String(secondsLeft) },
      );
    }
    return headers;
  }
}
