import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BackendError } from '../../../src/backend/backend-error.js';
import type { AuthToken } from '../../../src/contract/schemas.js';
import { FakeTokenBackend } from '../../support/fake-token-backend.js';
import { TokenSession, type TokenSessionEvent, type TokenSessionOptions } from '../../../src/headless/token-session.js';
import { MAX_TIMER_DELAY_MS, isOlderToken, tokenPhase } from '../../../src/headless/token-timing.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 1440 * MINUTE;
const TPN = '139322815010';

let backend: FakeTokenBackend;
let events: TokenSessionEvent[];
let opened: TokenSession[];

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2025-01-01T00:00:00Z') });
  backend = new FakeTokenBackend();
  events = [];
  opened = [];
});
afterEach(() => {
  for (const tokens of opened) tokens.dispose();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function open(options: Partial<TokenSessionOptions> = {}): TokenSession {
  const tokens = new TokenSession({ backend, tpn: TPN, channelName: false, ...options });
  tokens.subscribe((event) => events.push(event));
  opened.push(tokens);
  return tokens;
}

const ofType = (type: TokenSessionEvent['type']) => events.filter((event) => event.type === type);

describe('tokenPhase', () => {
  const token: AuthToken = {
    token: 'h.p.s',
    tpn: TPN,
    issuedAt: '2025-01-01T00:00:00.000Z',
    expiresAt: '2025-01-01T00:10:00.000Z',
    graceEndsAt: '2025-01-01T00:25:00.000Z',
  };
  const at = (time: string) => tokenPhase(token, Date.parse(`2025-01-01T${time}Z`), 5 * MINUTE);

  it('is fresh, then due refreshBefore before expiry, in grace from expiry, over from graceEndsAt', () => {
    expect([at('00:04:59.999'), at('00:05:00'), at('00:09:59.999'), at('00:10:00')]).toEqual([
      'fresh',
      'due',
      'due',
      'grace',
    ]);
    expect([at('00:24:59.999'), at('00:25:00')]).toEqual(['grace', 'over']);
  });

  it('orders tokens by issue time, then expiry', () => {
    const later = { ...token, token: 'h.q.s', issuedAt: '2025-01-01T00:00:01.000Z' };
    expect(isOlderToken(token, later)).toBe(true);
    expect(isOlderToken(later, token)).toBe(false);
    expect(isOlderToken(token, { ...token, expiresAt: '2025-01-01T00:11:00.000Z' })).toBe(true);
    expect(isOlderToken(token, undefined)).toBe(false);
  });
});

describe('TokenSession in Node', () => {
  it('works without BroadcastChannel or Web Locks, on its own', async () => {
    vi.stubGlobal('BroadcastChannel', undefined);
    const tokens = open({ channelName: undefined, autoRefresh: false });

    const first = await tokens.getToken();
    const refreshed = await tokens.refresh();

    expect(refreshed.token).not.toBe(first);
    expect(await tokens.getToken()).toBe(refreshed.token);
    expect([backend.generated.length, backend.refreshes.length]).toEqual([1, 1]);
  });

  it('rejects refresh() without a token with invalid-request, calling nothing', async () => {
    const tokens = open();

    await expect(tokens.refresh()).rejects.toMatchObject({ code: 'invalid-request' });
    expect(backend.refreshes).toEqual([]);
  });

  it('sends one idempotency key per token refreshed', async () => {
    const tokens = open({ autoRefresh: false });
    await tokens.generate();

    await tokens.refresh();
    await tokens.refresh();

    const [first, second] = backend.refreshes.map((refresh) => refresh.idempotencyKey);
    expect(first).toMatch(/\S{16,}/);
    expect(second).not.toBe(first);
  });

  it('stops calling a listener once it unsubscribes', async () => {
    const tokens = open({ autoRefresh: false });
    const seen: string[] = [];
    const unsubscribe = tokens.subscribe((event) => seen.push(event.type));

    await tokens.generate();
    unsubscribe();
    await tokens.refresh();

    expect(seen).toEqual(['generated']);
  });

  it('hands out a due token while its refresh fails for now, and fails once the token has expired', async () => {
    const tokens = open({ autoRefresh: false });
    const held = await tokens.getToken();
    await vi.advanceTimersByTimeAsync(6 * MINUTE); // due: 4 minutes left
    backend.refreshFailure = new BackendError('network', 'offline');

    expect(await tokens.getToken()).toBe(held);
    expect(ofType('refresh-failed')).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(5 * MINUTE); // expired, in grace
    await expect(tokens.getToken()).rejects.toMatchObject({ code: 'network' });
  });
});

describe('TokenSession timers', () => {
  it("waits in steps for a refresh moment beyond setTimeout's maximum", async () => {
    backend.lifetimeMs = 40 * DAY;
    const tokens = open({ refreshBefore: 300 });
    const token = await tokens.generate();
    const dueAt = Date.parse(token.expiresAt) - 5 * MINUTE;

    await vi.advanceTimersByTimeAsync(SECOND);
    expect(backend.refreshes).toEqual([]);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_DELAY_MS + MINUTE); // the first step has passed
    expect(backend.refreshes).toEqual([]);
    await vi.advanceTimersByTimeAsync(dueAt - Date.now() - SECOND);
    expect(backend.refreshes).toEqual([]);
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    expect(backend.refreshes.map((refresh) => refresh.at)).toEqual([dueAt]);
  });

  it('retries a failing auto-refresh with doubling delays (capped), one idempotency key, until grace ends', async () => {
    const tokens = open({ refreshBefore: 300, retryDelayMs: MINUTE });
    backend.refreshFailure = new BackendError('server', 'Service Unavailable', { status: 503 });
    const start = Date.now();
    await tokens.generate(); // expires at 10 min, grace ends at 25 min

    await vi.advanceTimersByTimeAsync(40 * MINUTE);

    const minutes = backend.refreshes.map((refresh) => (refresh.at - start) / MINUTE);
    expect(minutes).toEqual([5, 6, 8, 12, 17, 22]);
    expect(new Set(backend.refreshes.map((refresh) => refresh.idempotencyKey)).size).toBe(1);
    expect(ofType('refresh-failed')).toHaveLength(6);
    expect(ofType('expired')).toHaveLength(1);
  });

  it('honours Retry-After when it asks for longer than the backoff', async () => {
    const tokens = open({ refreshBefore: 300, retryDelayMs: MINUTE });
    backend.refreshFailure = new BackendError('rate-limited', 'Too Many Requests', { status: 429, retryAfter: 180 });
    const start = Date.now();
    await tokens.generate();

    await vi.advanceTimersByTimeAsync(9 * MINUTE);

    expect(backend.refreshes.map((refresh) => (refresh.at - start) / MINUTE)).toEqual([5, 8]);
  });

  it('does not retry a refusal: the backend will not change its mind', async () => {
    const tokens = open({ refreshBefore: 300, retryDelayMs: MINUTE });
    backend.refreshFailure = new BackendError('unauthenticated', 'Token invalid', {
      status: 401,
      errorCode: 'TOKEN_INVALID',
    });
    await tokens.generate();

    await vi.advanceTimersByTimeAsync(30 * MINUTE);

    expect(backend.refreshes).toHaveLength(1);
    expect(backend.generated).toHaveLength(1); // refusing is not a reason to generate behind the host's back
  });

  it('refreshes a token that arrives already due (backend clock behind) at most once per retryDelayMs, not in a loop', async () => {
    backend.clockOffsetMs = -9.5 * MINUTE; // every 10-minute token has 30 s left when it arrives: due at once
    const tokens = open({ refreshBefore: 300, retryDelayMs: 30 * SECOND });
    await tokens.generate();

    await vi.advanceTimersByTimeAsync(65 * SECOND);

    expect(backend.refreshes.map((refresh) => refresh.at - backend.generated[0])).toEqual([
      0,
      30 * SECOND,
      60 * SECOND,
    ]);
  });

  it('emits expired once per token and nothing after dispose', async () => {
    const tokens = open({ autoRefresh: false });
    const token = await tokens.generate();

    await vi.advanceTimersByTimeAsync(20 * MINUTE);
    expect(ofType('expired')).toEqual([{ type: 'expired', token }]);

    await tokens.generate();
    tokens.dispose();
    await vi.advanceTimersByTimeAsync(20 * MINUTE);
    expect(ofType('expired')).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    await expect(tokens.generate()).rejects.toMatchObject({ code: 'aborted' });
  });
});
