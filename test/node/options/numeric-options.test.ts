// Issue 12, finding 3: every numeric option of TokenSession and HttpBackend is checked with numberOption —
// a refused value warns once, naming the option and its range, and the documented default is used: never NaN
// in a timer, never a retry loop without end.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { HttpBackend } from '../../../src/backend/http-backend.js';
import { FakeTokenBackend, MINUTE, TPN } from '../../support/fake-token-backend.js';
import { TokenSession, type TokenSessionOptions } from '../../../src/headless/token-session.js';

const SECOND = 1000;

let backend: FakeTokenBackend;
let opened: TokenSession[];
let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2025-01-01T00:00:00Z') });
  backend = new FakeTokenBackend();
  opened = [];
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  for (const session of opened) session.dispose();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function open(options: Partial<TokenSessionOptions>): TokenSession {
  const session = new TokenSession({ backend, tpn: TPN, channelName: false, ...options });
  opened.push(session);
  return session;
}

const warnings = () => warn.mock.calls.map(([message]) => String(message));

describe('TokenSession numeric options', () => {
  for (const bad of [NaN, '5m', Infinity, -1] as unknown[]) {
    it(`refreshBefore ${String(bad)}: warns naming the option and range, refreshes once at the default 300 s before expiry`, async () => {
      const session = open({ refreshBefore: bad as number });
      const start = Date.now();
      await session.generate();

      await vi.advanceTimersByTimeAsync(6 * MINUTE);

      // 10-minute token, default 300 s: one refresh at 5 minutes, none before.
      expect(backend.refreshes.map(({ at }) => (at - start) / MINUTE)).toEqual([5]);
      expect(warnings().some((w) => /TokenSession refreshBefore must be a number from 0 to 86400/.test(w))).toBe(true);
    });
  }

  it('retryDelayMs NaN: warns and retries no sooner than the default 30 s', async () => {
    backend.lifetimeMs = MINUTE; // due at half its life, 30 s
    const session = open({ refreshBefore: 300, retryDelayMs: NaN });
    await session.generate();

    await vi.advanceTimersByTimeAsync(50 * SECOND);

    expect(backend.refreshes.length).toBeLessThanOrEqual(2);
    expect(warnings().some((w) => /TokenSession retryDelayMs must be a number from 100 to 300000/.test(w))).toBe(true);
  });

  it('expiresInMinutes out of range: warns and asks for the documented 1440 minutes; absent stays absent', async () => {
    await open({ expiresInMinutes: 0 }).generate();
    await open({ expiresInMinutes: 30 }).generate();
    await open({}).generate();

    expect(backend.generateInputs.map((input) => input.expiresInMinutes)).toEqual([1440, 30, undefined]);
    expect(warnings().some((w) => /TokenSession expiresInMinutes must be a whole number from 1 to 1440/.test(w))).toBe(
      true,
    );
  });

  it('never schedules a timer on NaN nor refreshes more than twice a minute, whatever the options', async () => {
    // NaN and the named strings are each tested by name above and below: numberOption warns once per option and
    // value, so a property run must not use up those warnings first. Seeded, so every run is the same.
    const anything = fc.oneof(fc.double({ noNaN: true }), fc.integer(), fc.string(), fc.constant(undefined));
    await fc.assert(
      fc.asyncProperty(anything, anything, anything, async (refreshBefore, retryDelayMs, expiresInMinutes) => {
        backend = new FakeTokenBackend();
        backend.lifetimeMs = MINUTE;
        const session = open({
          refreshBefore: refreshBefore as number,
          retryDelayMs: retryDelayMs as number,
          expiresInMinutes: expiresInMinutes as number,
        });
        await session.generate();
        await vi.advanceTimersByTimeAsync(2 * MINUTE);
        session.dispose();
        // A one-minute token: due at 30 s at the soonest, so at most 4 refreshes in 2 minutes.
        expect(backend.refreshes.length).toBeLessThanOrEqual(4);
      }),
      { numRuns: 100, seed: 1224 },
    );
  });
});

describe('TokenSession refreshBefore ≥ the token lifetime', () => {
  it('refreshes each token once, at half its lifetime — not at once and not every retryDelayMs', async () => {
    const session = open({ refreshBefore: 86_400, retryDelayMs: 30 * SECOND });
    const start = Date.now();
    await session.generate(); // 10-minute tokens

    await vi.advanceTimersByTimeAsync(12 * MINUTE);

    expect(backend.refreshes.map(({ at }) => (at - start) / MINUTE)).toEqual([5, 10]);
  });

  it('getToken() hands out the held token until half its lifetime, then refreshes it once', async () => {
    const session = open({ refreshBefore: 86_400, autoRefresh: false });
    const first = await session.getToken();

    expect(await session.getToken()).toBe(first);
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    const second = await session.getToken();
    expect(second).not.toBe(first);
    expect(await session.getToken()).toBe(second);
    expect(backend.refreshes).toHaveLength(1);
  });
});

describe('HttpBackend numeric options', () => {
  const failing = () => {
    const calls: number[] = [];
    const fetchImpl = (async () => {
      calls.push(Date.now());
      if (calls.length > 50) throw new Error('stop: retrying without limit');
      return new Response(null, { status: 503 });
    }) as typeof fetch;
    return { calls, fetchImpl };
  };

  it('makes 1 to 11 attempts, then reports the failure, whatever timeoutMs, retries and retryDelayMs are', async () => {
    // NaN and the named strings are each tested by name above and below: numberOption warns once per option and
    // value, so a property run must not use up those warnings first. Seeded, so every run is the same.
    const anything = fc.oneof(fc.double({ noNaN: true }), fc.integer(), fc.string(), fc.constant(undefined));
    await fc.assert(
      fc.asyncProperty(anything, anything, anything, async (timeoutMs, retries, retryDelayMs) => {
        const { calls, fetchImpl } = failing();
        const pending = new HttpBackend({
          baseUrl: '/api',
          fetch: fetchImpl,
          timeoutMs: timeoutMs as number,
          retries: retries as number,
          retryDelayMs: retryDelayMs as number,
        })
          .getCredentials()
          .catch((e: unknown) => e);
        await vi.advanceTimersByTimeAsync(60 * MINUTE);
        const error = await pending;

        expect(calls.length).toBeGreaterThanOrEqual(1);
        expect(calls.length).toBeLessThanOrEqual(11);
        expect(error).toMatchObject({ code: 'server' });
      }),
      { numRuns: 100, seed: 1224 },
    );
  });

  it('retries NaN: warns and makes the default 2 retries, not an endless loop', async () => {
    vi.useRealTimers();
    const { calls, fetchImpl } = failing();
    const error = await new HttpBackend({ baseUrl: '/api', fetch: fetchImpl, retries: NaN, retryDelayMs: 0 })
      .getCredentials()
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'server' });
    expect(calls).toHaveLength(3);
    expect(warnings().some((w) => /HttpBackend retries must be a whole number from 0 to 10/.test(w))).toBe(true);
  });

  it('timeoutMs NaN: warns and waits the default 15 s instead of timing out at once', async () => {
    let answer!: (response: Response) => void;
    const fetchImpl = (() => new Promise<Response>((resolve) => (answer = resolve))) as typeof fetch;
    const pending = new HttpBackend({ baseUrl: '/api', fetch: fetchImpl, timeoutMs: NaN, retries: 0 })
      .getCredentials()
      .catch((e: unknown) => e);

    await vi.advanceTimersByTimeAsync(14 * SECOND);
    answer(Response.json({ role: 'merchant', scopes: [], keys: null }));

    expect(await pending).toEqual({ role: 'merchant', scopes: [], keys: null });
    expect(warnings().some((w) => /HttpBackend timeoutMs must be a whole number from 1 to 600000/.test(w))).toBe(true);
  });

  it('retryDelayMs "fast": warns and backs off from the default 300 ms', async () => {
    const { calls, fetchImpl } = failing();
    const pending = new HttpBackend({
      baseUrl: '/api',
      fetch: fetchImpl,
      retries: 1,
      retryDelayMs: 'fast' as unknown as number,
    })
      .getCredentials()
      .catch((e: unknown) => e);

    await vi.advanceTimersByTimeAsync(149);
    expect(calls).toHaveLength(1); // full jitter: the first retry waits 150–300 ms
    await vi.advanceTimersByTimeAsync(200);
    expect(calls).toHaveLength(2);
    await pending;
    expect(warnings().some((w) => /HttpBackend retryDelayMs must be a whole number from 0 to 60000/.test(w))).toBe(
      true,
    );
  });
});
