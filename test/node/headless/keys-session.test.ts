import { afterEach, describe, expect, it } from 'vitest';
import type { CredentialsBackend, RequestOptions } from '../../../src/backend/credentials-backend.js';
import { KeysSession, type KeysState } from '../../../src/headless/keys-session.js';
import { ReferenceBackend, createReferenceServer } from '../../../src/reference/index.js';
import { backendError } from '../../support/backend-error.js';

/** A reference backend of its own session, recording every call and the Idempotency-Key it carried. */
function recordedBackend(options: { session?: string; account?: 'merchant' | 'iso' } = {}) {
  const server = createReferenceServer();
  const backend = new ReferenceBackend({ server, retries: 0, session: options.session, account: options.account });
  const calls: { method: string; key?: string }[] = [];
  const recorded = new Proxy(backend, {
    get(target, name: string) {
      const value = Reflect.get(target, name) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const requestOptions = args.at(-1) as RequestOptions | undefined;
        calls.push({ method: name, key: requestOptions?.idempotencyKey });
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as CredentialsBackend;
  return { backend: recorded, server, calls };
}

const sessions: KeysSession[] = [];
function sessionFor(backend: CredentialsBackend): KeysSession {
  const session = new KeysSession(backend);
  sessions.push(session);
  return session;
}
afterEach(() => sessions.splice(0).forEach((session) => session.dispose()));

describe('KeysSession', () => {
  it('loads the credentials and tells subscribers: loading, then the credentials', async () => {
    const { backend } = recordedBackend();
    const session = sessionFor(backend);
    const states: KeysState[] = [];
    session.subscribe((state) => states.push(state));
    const credentials = await session.load();
    expect(credentials).toMatchObject({ role: 'merchant', keys: null });
    expect(states.map((state) => [state.loading, state.credentials?.role])).toEqual([
      [true, undefined],
      [true, 'merchant'],
      [false, 'merchant'],
    ]);
  });

  it('generates keys once, shows them, and a second call meanwhile joins the first', async () => {
    const { backend, calls } = recordedBackend();
    const session = sessionFor(backend);
    const [first, second] = await Promise.all([session.generateKeys(), session.generateKeys()]);
    expect(first).toBe(second);
    expect(calls.filter((call) => call.method === 'generateKeys')).toHaveLength(1);
    expect(session.state.credentials?.keys?.apiKey).toMatch(/^dakey_/);
    expect(session.state.mutation).toBeUndefined();
  });

  it('retries a failed generate with the same Idempotency-Key, then forgets it', async () => {
    const { backend, server, calls } = recordedBackend();
    const session = sessionFor(backend);
    server.faults = { forcedStatus: { 'POST /credentials': { status: 503, afterWork: true, times: 1 } } };
    expect((await backendError(session.generateKeys())).code).toBe('server');
    const credentials = await session.generateKeys();
    const keys = calls.filter((call) => call.method === 'generateKeys').map((call) => call.key);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(credentials.keys).not.toBeNull();
    await session.resetSecret();
    expect(calls.at(-1)!.key).not.toBe(keys[0]);
  });

  it('after a 409 on generate, loads the keys made elsewhere and reports the conflict', async () => {
    const { backend } = recordedBackend();
    const other = sessionFor(backend);
    await other.generateKeys();
    const session = sessionFor(backend);
    expect((await backendError(session.generateKeys())).code).toBe('conflict');
    await expect.poll(() => session.state.credentials?.keys?.apiKey).toBe(other.state.credentials?.keys?.apiKey);
  });

  it('resets once per confirmation: a retry reuses the key, a new confirmation makes a new one', async () => {
    const { backend, server, calls } = recordedBackend();
    const session = sessionFor(backend);
    await session.generateKeys();
    const before = (await backend.revealSecret()).secretKey;
    server.faults = { forcedStatus: { 'POST /credentials/secret/reset': { status: 503, afterWork: true, times: 1 } } };
    await backendError(session.resetSecret());
    const afterLostAnswer = (await backend.revealSecret()).secretKey;
    expect(afterLostAnswer).not.toBe(before);
    await session.resetSecret({ retry: true });
    expect((await backend.revealSecret()).secretKey).toBe(afterLostAnswer);
    const resetKeys = calls.filter((call) => call.method === 'resetSecret').map((call) => call.key);
    expect(resetKeys[1]).toBe(resetKeys[0]);
    await session.resetSecret();
    expect((await backend.revealSecret()).secretKey).not.toBe(afterLostAnswer);
    expect(calls.filter((call) => call.method === 'resetSecret').at(-1)!.key).not.toBe(resetKeys[0]);
    expect(session.state.credentials?.keys?.secretKeyHint).toBe((await backend.revealSecret()).secretKey.slice(-4));
  });

  it('resets with a grace window, and a retry of that reset repeats its window under the same key', async () => {
    const { backend, server, calls } = recordedBackend();
    const session = sessionFor(backend);
    await session.generateKeys();
    server.faults = { forcedStatus: { 'POST /credentials/secret/reset': { status: 503, afterWork: true, times: 1 } } };
    await backendError(session.resetSecret({ graceMinutes: 60 }));
    const credentials = await session.resetSecret({ retry: true, graceMinutes: 0 });
    const resets = calls.filter((call) => call.method === 'resetSecret');
    expect(resets.map((call) => call.key)).toEqual([resets[0]!.key, resets[0]!.key]);
    const until = Date.parse(credentials.keys!.previousSecretValidUntil!);
    expect(until - Date.parse(credentials.keys!.secretRotatedAt)).toBe(60 * 60_000);
    expect(session.state.credentials?.keys?.previousSecretValidUntil).toBe(credentials.keys!.previousSecretValidUntil);
  });

  it('revokes the previous secret once per click, however often it is asked meanwhile', async () => {
    const { backend, calls } = recordedBackend();
    const session = sessionFor(backend);
    await session.generateKeys();
    await session.resetSecret({ graceMinutes: 60 });
    expect(session.canRevokePreviousSecret).toBe(true);
    const states: KeysState[] = [];
    session.subscribe((state) => states.push(state));
    const [first, second] = [session.revokePreviousSecret(), session.revokePreviousSecret()];
    expect(second).toBe(first);
    expect((await first).keys?.previousSecretValidUntil).toBeNull();
    expect(calls.filter((call) => call.method === 'revokePreviousSecret')).toHaveLength(1);
    expect(states.map((state) => state.mutation)).toEqual(['revoke-previous', 'revoke-previous', undefined]);
    expect(session.state.credentials?.keys?.previousSecretValidUntil).toBeNull();
  });

  it('a revoke asked for during a reset is not answered with the reset: it runs after it, and ends its window', async () => {
    const { backend, calls } = recordedBackend();
    const session = sessionFor(backend);
    await session.generateKeys();
    const reset = session.resetSecret({ graceMinutes: 60 });
    const revoke = session.revokePreviousSecret();
    expect(revoke).not.toBe(reset);
    expect((await reset).keys?.previousSecretValidUntil).not.toBeNull();
    expect((await revoke).keys?.previousSecretValidUntil).toBeNull();
    expect(calls.map((call) => call.method).filter((method) => method !== 'getCredentials')).toEqual([
      'generateKeys',
      'resetSecret',
      'revokePreviousSecret',
    ]);
    expect(session.state.credentials?.keys?.previousSecretValidUntil).toBeNull();
  });

  it('a reset asked for during a revoke is not answered with the revoke: the secret is replaced after it', async () => {
    const { backend, calls } = recordedBackend();
    const session = sessionFor(backend);
    await session.generateKeys();
    await session.resetSecret({ graceMinutes: 60 });
    const revoke = session.revokePreviousSecret();
    const reset = session.resetSecret();
    expect(reset).not.toBe(revoke);
    const [revoked, afterReset] = await Promise.all([revoke, reset]);
    expect(revoked.keys?.previousSecretValidUntil).toBeNull();
    expect(afterReset).not.toBe(revoked);
    expect(calls.map((call) => call.method).slice(-2)).toEqual(['revokePreviousSecret', 'resetSecret']);
    expect(session.state.mutation).toBeUndefined();
  });

  it('offers no revoke on a backend without revokePreviousSecret, and says so if asked', async () => {
    const { backend } = recordedBackend();
    // An adapter written before grace windows: every required method, no revokePreviousSecret.
    const older: CredentialsBackend = {
      getCredentials: (options) => backend.getCredentials(options),
      generateKeys: (options) => backend.generateKeys(options),
      revealSecret: (options) => backend.revealSecret(options),
      resetSecret: (options) => backend.resetSecret(options),
      listTerminals: (options) => backend.listTerminals(options),
      generateToken: (input, options) => backend.generateToken(input, options),
      refreshToken: (input, options) => backend.refreshToken(input, options),
    };
    const session = sessionFor(older);
    expect(session.canRevokePreviousSecret).toBe(false);
    expect((await backendError(session.revokePreviousSecret())).code).toBe('not-found');
    expect(session.state.mutation).toBeUndefined();
  });

  it('fetches the secret for one use and keeps it nowhere in its state', async () => {
    const { backend } = recordedBackend();
    const session = sessionFor(backend);
    await session.generateKeys();
    const secret = await session.fetchSecret();
    expect(secret).toMatch(/^dskey_/);
    expect(JSON.stringify(session.state)).not.toContain(secret);
  });

  it('after dispose, nothing in flight arrives: a secret asked for before an account switch is aborted', async () => {
    const { backend, server } = recordedBackend();
    const session = sessionFor(backend);
    await session.generateKeys();
    server.faults = { latencyMs: 50 };
    const states: KeysState[] = [];
    session.subscribe((state) => states.push(state));
    const secret = session.fetchSecret();
    const load = session.load();
    const reset = session.resetSecret({ graceMinutes: 60 });
    session.dispose();
    expect((await backendError(secret)).code).toBe('aborted');
    expect((await backendError(load)).code).toBe('aborted');
    expect((await backendError(reset)).code).toBe('aborted');
    expect((await backendError(session.revokePreviousSecret())).code).toBe('aborted');
    const notified = states.length;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(states.length).toBe(notified);
  });

  it("a caller's signal ends its own wait; the shared load goes on for the others", async () => {
    const { backend, server, calls } = recordedBackend();
    server.faults = { latencyMs: 20 };
    const session = sessionFor(backend);
    const leaving = new AbortController();
    const left = session.load(leaving.signal);
    const staying = session.load();
    leaving.abort();
    expect((await backendError(left)).code).toBe('aborted');
    expect((await staying).role).toBe('merchant');
    expect(calls.filter((call) => call.method === 'getCredentials')).toHaveLength(1);
  });

  it('a caller that leaves stops waiting at once; the request itself ends only with the session', async () => {
    const { backend, server } = recordedBackend();
    server.faults = { latencyMs: 50 };
    const session = sessionFor(backend);
    const controller = new AbortController();
    const load = session.load(controller.signal);
    controller.abort();
    expect((await backendError(load)).code).toBe('aborted');
    expect(session.state.loading).toBe(true);
    session.dispose();
    expect(session.state.credentials).toBeUndefined();
  });

  it('KeysSession.for shares one session per backend until the last user releases it', async () => {
    const { backend } = recordedBackend();
    const a = KeysSession.for(backend);
    const b = KeysSession.for(backend);
    expect(b).toBe(a);
    await a.generateKeys();
    expect(b.state.credentials?.keys).not.toBeNull();
    a.release();
    expect(b.disposed).toBe(false);
    b.release();
    expect(b.disposed).toBe(true);
    const c = KeysSession.for(backend);
    expect(c).not.toBe(a);
    c.release();
  });

  it('maps a failed load to the backend error, keeping what was shown', async () => {
    const { backend, server } = recordedBackend({ account: 'iso' });
    const session = sessionFor(backend);
    await session.load();
    server.faults = { forcedStatus: { 'GET /credentials': 403 } };
    expect((await backendError(session.load())).code).toBe('forbidden');
    expect(session.state.credentials?.role).toBe('iso');
  });
});
