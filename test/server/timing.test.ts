/**
 * authenticate-token takes as long for an unknown API key as for a known key with a wrong secret, proven two
 * ways: structurally (the same AES-GCM opens, HMACs, hashes and store calls, counted per request through the
 * platform's own `node:crypto` and Web Crypto, and a counting store) and statistically (interleaved pairs of
 * requests in-process, the median paired difference and its distribution-free 95% interval, sampled until the
 * interval is narrow; the same statistic must flag a +76 µs skew injected into the unknown-key path, so a pass
 * is not blindness).
 */
import { afterEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { CredentialsServer } from '../../src/server/credentials-server.js';
import type { CredentialStore, StoreTransaction } from '../../src/server/store.js';
import { memoryStore } from '../../src/server/stores/memory.js';
import { OffsetClock } from '../../src/server/clock.js';
import { call, testServer } from './harness.js';

const UNKNOWN_KEY = `dakey_${'Q'.repeat(32)}`;
const WRONG_SECRET = `dskey_${'w'.repeat(32)}`;
/** How far apart the two medians may be, in µs: a third of the +76 µs the finding measured. */
const TOLERANCE_US = 25;
/** Sampling goes on until the interval is this narrow: then noise alone cannot carry it past the tolerance. */
const INTERVAL_US = 10;

afterEach(() => vi.restoreAllMocks());

/** A store whose every statement is counted by name, and whose unknown-key lookups may be slowed on purpose. */
function countingStore(inner: CredentialStore, slowUnknownKeyUs = 0) {
  const calls: string[] = [];
  const counting = (tx: StoreTransaction): StoreTransaction =>
    new Proxy(tx, {
      get(target, name: string) {
        const method = target[name as keyof StoreTransaction] as (...args: unknown[]) => Promise<unknown>;
        return async (...args: unknown[]) => {
          calls.push(name);
          const result = await method.apply(target, args);
          if (name === 'keysByApiKeyIndex' && result === null && slowUnknownKeyUs > 0) busyWait(slowUnknownKeyUs);
          return result;
        };
      },
    });
  const store: CredentialStore = {
    kind: inner.kind,
    migrate: () => inner.migrate(),
    sweep: (now, before) => inner.sweep(now, before),
    close: () => inner.close(),
    transaction: (work) => inner.transaction((tx) => work(counting(tx))),
    autocommit: (work) => inner.autocommit((tx) => work(counting(tx))),
  };
  return { store, calls };
}

function busyWait(microseconds: number): void {
  const until = process.hrtime.bigint() + BigInt(microseconds * 1000);
  while (process.hrtime.bigint() < until);
}

function authenticate(server: CredentialsServer, apiKey: string): Promise<Response> {
  return server.handle(
    new Request('http://portal.example/api/ipos/authenticate-token', {
      method: 'POST',
      headers: { apiKey, secretKey: WRONG_SECRET },
    }),
    { sourceAddress: '127.0.0.1' },
  );
}

/** Keys generated for `account`, optionally reset with a grace window still open (or ended, by the clock). */
async function keysFor(server: CredentialsServer, account: string, graceMinutes = 0): Promise<string> {
  const generated = await call(server, 'POST', '/credentials', { account });
  if (graceMinutes) await call(server, 'POST', '/credentials/secret/reset', { account, json: { graceMinutes } });
  return generated.body.keys.apiKey as string;
}

describe('the work authenticate-token does', () => {
  it('is the same for an unknown API key as for a known one with a wrong secret, with or without a grace window', async () => {
    const clock = new OffsetClock();
    const { store, calls } = countingStore(memoryStore());
    const server = testServer(store, { clock });
    const keys = {
      unknown: UNKNOWN_KEY,
      known: await keysFor(server, 'plain'),
      'in a grace window': await keysFor(server, 'grace', 60),
      'after its grace window': await keysFor(server, 'ended', 1),
    };
    clock.advance(2 * 60_000); // the 1-minute window has ended; the 60-minute one has not
    const platform = process.getBuiltinModule('node:crypto');
    const spies: Record<string, MockInstance> = Object.fromEntries([
      ...(['createDecipheriv', 'createCipheriv', 'createHmac', 'createHash', 'hkdfSync'] as const).map((name) => [
        name,
        vi.spyOn(platform, name),
      ]),
      ...(['decrypt', 'encrypt', 'sign', 'digest', 'importKey', 'deriveKey'] as const).map((name) => [
        `subtle.${name}`,
        vi.spyOn(crypto.subtle, name),
      ]),
    ]);
    await authenticate(server, UNKNOWN_KEY); // the keys are imported and the decoy sealed once, before counting
    const work: Record<string, unknown> = {};
    for (const [kind, apiKey] of Object.entries(keys)) {
      calls.length = 0;
      for (const spy of Object.values(spies)) spy.mockClear();
      const answer = await authenticate(server, apiKey);
      expect(answer.status, kind).toBe(401);
      work[kind] = {
        crypto: Object.fromEntries(Object.entries(spies).map(([name, spy]) => [name, spy.mock.calls.length])),
        store: [...calls],
      };
    }
    expect(work['unknown']).toMatchObject({ crypto: { createDecipheriv: 2 } });
    for (const kind of Object.keys(keys)) expect(work[kind], kind).toEqual(work['unknown']);
  });
});

/** The median of (known − unknown) over interleaved pairs, and its 95% interval, in µs. */
async function pairedDifference(server: CredentialsServer, knownKey: string) {
  const time = async (apiKey: string) => {
    const started = process.hrtime.bigint();
    await authenticate(server, apiKey);
    return Number(process.hrtime.bigint() - started) / 1000;
  };
  for (let warm = 0; warm < 300; warm++) {
    await time(knownKey);
    await time(UNKNOWN_KEY);
  }
  const differences: number[] = [];
  for (;;) {
    for (let pair = 0; pair < 500; pair++) {
      // Each pair in a random order, so that drift and the order itself cancel out.
      if (Math.random() < 0.5) differences.push((await time(knownKey)) - (await time(UNKNOWN_KEY)));
      else differences.push(-((await time(UNKNOWN_KEY)) - (await time(knownKey))));
    }
    const sorted = [...differences].sort((a, b) => a - b);
    const n = sorted.length;
    // Distribution-free interval of a median: the order statistics n/2 ± 1.96·√n/2 (sign test).
    const reach = Math.ceil((1.96 * Math.sqrt(n)) / 2);
    const interval = {
      median: sorted[n >> 1]!,
      low: sorted[(n >> 1) - reach]!,
      high: sorted[(n >> 1) + reach]!,
      pairs: n,
    };
    // A noisy machine only takes more pairs: sample until the interval is narrow enough to decide.
    if (interval.high - interval.low <= INTERVAL_US || n >= 20_000) return interval;
  }
}

describe('the time authenticate-token takes', () => {
  it('does not tell whether an API key exists (median difference within ±25 µs; a +76 µs skew is caught)', async () => {
    const { store } = countingStore(memoryStore());
    const server = testServer(store);
    const equal = await pairedDifference(server, await keysFor(server, 'timed'));

    const { store: skewedStore } = countingStore(memoryStore(), 76);
    const skewed = testServer(skewedStore);
    const caught = await pairedDifference(skewed, await keysFor(skewed, 'timed'));

    const us = (value: number) => `${value.toFixed(1)} µs`;
    console.log(
      `[reliability] authenticate-token timing, unknown key vs known key with a wrong secret: median difference ${us(equal.median)} (95% interval ${us(equal.low)} to ${us(equal.high)}, ${equal.pairs} interleaved pairs); a +76 µs skew injected into the unknown-key path measures ${us(-caught.median)}`,
    );
    expect(equal.low).toBeGreaterThan(-TOLERANCE_US);
    expect(equal.high).toBeLessThan(TOLERANCE_US);
    // The skew slows the unknown key: known − unknown is about −76 µs, far outside the tolerance.
    expect(caught.high).toBeLessThan(-TOLERANCE_US);
  }, 300_000);
});
