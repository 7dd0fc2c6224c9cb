/**
 * `TokenSession`: a headless holder of one TPN's Auth Token, for host code and `<ipos-token-generator>` — no DOM, so
 * it runs in browsers, workers and Node. It generates, refreshes single-flight when due, shares tokens between the
 * tabs of one account and TPN, and ends every timer and request on `dispose()`. The rules: docs/token-session.md.
 */
import { BackendError, type BackendErrorCode } from '../backend/backend-error.js';
import { accountTag } from '../backend/account-key.js';
import type { CredentialsBackend, RequestOptions } from '../backend/credentials-backend.js';
import { newIdempotencyKey } from '../backend/idempotency-key.js';
import { authTokenGuard } from '../contract/guards.js';
import type { AuthToken } from '../contract/bodies.js';
import { numberOption } from '../options/number-option.js';
import { EXPIRES_IN_MINUTES, REFRESH_BEFORE, TOKEN_RETRY_DELAY_MS } from '../options/ranges.js';
import { Alarm, isOlderToken, refreshDueAt, tokenPhase, type TokenPhase } from './token-timing.js';

export interface TokenSessionOptions {
  backend: CredentialsBackend;
  /** The 12-digit TPN the tokens are for. */
  tpn: string;
  /** Lifetime of generated tokens, a whole number of minutes from 1 to 1440; the backend's default when omitted. */
  expiresInMinutes?: number;
  /**
   * Seconds (0–86400) before `expiresAt` at which a token counts as due for refresh, but never before half its
   * lifetime has passed: a value as long as the lifetime or longer refreshes each token once, at half its life.
   * Default 300.
   */
  refreshBefore?: number;
  /** Refresh automatically `refreshBefore` seconds before expiry (once), retrying within grace after a failure. Default true. */
  autoRefresh?: boolean;
  /**
   * Who the tokens belong to, as the host knows it (a user or tenant id; any stable string). Tabs share tokens
   * only within one account; only a hash of it is posted. Default the backend's `accountKey`; with neither,
   * the session does not share tokens with other tabs.
   */
  account?: string;
  /**
   * BroadcastChannel name shared by the tabs of one portal; `false` disables coordination. Messages are
   * checked for the account and TPN whatever the name. Default one channel per account and TPN,
   * `tokenChannelName(account, tpn)`.
   */
  channelName?: string | false;
  /** Clock in epoch ms (tests). Default `Date.now`. */
  now?: () => number;
  /**
   * First wait, in ms (100–300000), before an automatic refresh that failed is tried again; it doubles per
   * failure up to 5 minutes. Also the shortest time between two automatic refreshes. Default 30000.
   */
  retryDelayMs?: number;
}

export type TokenSessionEvent =
  | { type: 'generated'; token: AuthToken }
  | { type: 'refreshed'; token: AuthToken; fromOtherTab: boolean }
  | { type: 'refresh-failed'; error: BackendError }
  | { type: 'expired'; token: AuthToken };

/**
 * What tabs say to each other: "here is a new token" and "who has one?" (a tab that just opened); each for one
 * account (its tag, never the account itself) and TPN.
 */
type TabMessage =
  | { type: 'token'; account: string; tpn: string; token: AuthToken }
  | { type: 'token-wanted'; account: string; tpn: string };

/** How long a tab that waited for the refresh lock waits for the token of the tab that held it. */
const TAB_HANDOVER_MS = 1000;
/** How far ahead of the backend's clock (as last seen) another tab's token may be issued. */
const MAX_FOREIGN_LEAD_MS = 5 * 60_000;
/** Failures that may pass: worth another automatic refresh. */
const RETRYABLE_CODES = new Set<BackendErrorCode>(['network', 'timeout', 'rate-limited', 'server']);

export class TokenSession {
  readonly tpn: string;

  private readonly backend: CredentialsBackend;
  private readonly expiresInMinutes?: number;
  private readonly refreshBeforeMs: number;
  private readonly autoRefresh: boolean;
  private readonly retryDelayMs: number;
  private readonly now: () => number;
  private readonly lockName?: string;
  private readonly channel?: BroadcastChannel;
  /** The hash of the account the tabs' messages must name; without one nothing is shared. */
  private readonly accountTag?: string;
  /** The backend's clock minus this tab's, from the last own answer: when ahead, other tabs' tokens may be too. */
  private backendClockOffsetMs = 0;
  /** Aborted by `dispose()`: ends every request and lock wait of this session. */
  private readonly lifetime = new AbortController();
  private readonly listeners = new Set<(event: TokenSessionEvent) => void>();
  private readonly refreshAlarm = new Alarm(() => this.now());
  private readonly expiryAlarm = new Alarm(() => this.now());
  private current?: AuthToken;
  private generating?: Promise<AuthToken>;
  private refreshing?: Promise<AuthToken>;
  private refreshKey?: { token: string; key: string };
  private failedAutoRefreshes = 0;
  private lastAutoRefreshAt = -Infinity;
  private disposed = false;

  constructor(options: TokenSessionOptions) {
    this.tpn = options.tpn;
    this.backend = options.backend;
    // Numbers are checked here, not trusted: `refreshBefore: NaN` once scheduled hundreds of refreshes a second.
    this.expiresInMinutes =
      options.expiresInMinutes === undefined
        ? undefined
        : numberOption(options.expiresInMinutes, { ...EXPIRES_IN_MINUTES, name: 'TokenSession expiresInMinutes' });
    this.refreshBeforeMs =
      numberOption(options.refreshBefore, { ...REFRESH_BEFORE, name: 'TokenSession refreshBefore' }) * 1000;
    this.autoRefresh = options.autoRefresh ?? true;
    this.retryDelayMs = numberOption(options.retryDelayMs, TOKEN_RETRY_DELAY_MS);
    this.now = options.now ?? (() => Date.now());
    const account = options.account ?? this.backend.accountKey;
    // Without an account identity, two accounts sharing a TPN would exchange tokens: share nothing then.
    if (options.channelName === false || account === undefined) return;
    const tag = (this.accountTag = accountTag(account));
    const channelName = options.channelName ?? tokenChannelName(account, this.tpn);
    this.lockName = `${channelName}:refresh:${tag}:${this.tpn}`;
    if (typeof BroadcastChannel !== 'function') return;
    this.channel = new BroadcastChannel(channelName);
    this.channel.onmessage = (event: MessageEvent<unknown>) => this.receive(event.data);
    // In Node an open channel must not keep the host process alive on its own.
    (this.channel as { unref?: () => void }).unref?.();
    this.post({ type: 'token-wanted', account: tag, tpn: this.tpn });
  }

  /** The token held (it may have expired: see `getToken()` for one that is valid now). */
  get token(): AuthToken | undefined {
    return this.current;
  }

  /** A token valid now: the held one, refreshed, or newly generated, as its phase requires. */
  async getToken(options: RequestOptions = {}): Promise<string> {
    this.assertUsable(options);
    if (this.generating) return (await this.wait(this.generating, options.signal)).token;
    const held = this.current;
    const phase = held && this.phase(held);
    if (!held || phase === 'over') return (await this.generate(options)).token;
    if (phase === 'fresh') return held.token;
    try {
      return (await this.refresh(options)).token;
    } catch (error) {
      if (this.disposed || options.signal?.aborted || !(error instanceof BackendError)) throw error;
      // The backend will not refresh this token (grace over by its clock, token revoked): a new one will do.
      if (error.code === 'unauthenticated') return (await this.generate(options)).token;
      // An early refresh that failed for now still leaves a token that works until it expires.
      if (RETRYABLE_CODES.has(error.code) && this.current && this.phase(this.current) === 'due') {
        return this.current.token;
      }
      throw error;
    }
  }

  /** Asks the backend for a new token; concurrent calls share one request. Emits `generated`. */
  async generate(options: RequestOptions = {}): Promise<AuthToken> {
    this.assertUsable(options);
    this.generating ??= this.generateNow(options.idempotencyKey).finally(() => {
      this.generating = undefined;
    });
    return this.wait(this.generating, options.signal);
  }

  /**
   * Refreshes the held token; concurrent calls share one request. Emits `refreshed`, or `refresh-failed`
   * and rejects with the backend's error (`TOKEN_GRACE_EXPIRED` after grace: call `generate()` then).
   * Rejects with code `invalid-request` when there is no token yet.
   */
  async refresh(options: RequestOptions = {}): Promise<AuthToken> {
    this.assertUsable(options);
    this.refreshing ??= this.refreshNow(options.idempotencyKey).finally(() => {
      this.refreshing = undefined;
    });
    return this.wait(this.refreshing, options.signal);
  }

  /** Calls `listener` with every event of this session; returns the function that stops it. */
  subscribe(listener: (event: TokenSessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Aborts requests, clears timers, closes the channel; later calls reject with code `aborted`. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.lifetime.abort(disposedError());
    this.refreshAlarm.cancel();
    this.expiryAlarm.cancel();
    this.channel?.close();
    this.listeners.clear();
  }

  /** Waits for a shared request until it settles, this caller gives up (`signal`) or the session is disposed. */
  private wait<T>(flight: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    const stops = signal ? [signal, this.lifetime.signal] : [this.lifetime.signal];
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.disposed ? disposedError() : abortedWait());
      for (const stop of stops) stop.addEventListener('abort', onAbort, { once: true });
      flight.then(resolve, reject).finally(() => {
        for (const stop of stops) stop.removeEventListener('abort', onAbort);
      });
    });
  }

  private async generateNow(idempotencyKey = newIdempotencyKey()): Promise<AuthToken> {
    try {
      const input = { tpn: this.tpn, expiresInMinutes: this.expiresInMinutes };
      const token = await this.backend.generateToken(input, { signal: this.lifetime.signal, idempotencyKey });
      return this.adopt(token, 'generated', 'own');
    } catch (error) {
      throw this.asBackendError(error);
    }
  }

  private async refreshNow(idempotencyKey: string | undefined): Promise<AuthToken> {
    const stale = this.current;
    if (!stale) throw new BackendError('invalid-request', 'There is no Auth Token to refresh yet; generate one first.');
    try {
      return await this.underLock(async (waited) => {
        // The tab that held the lock was most likely refreshing: it posts its token just before letting go.
        if (waited && this.current === stale) await this.tokenOtherThan(stale, TAB_HANDOVER_MS);
        const held = this.current ?? stale;
        // Another tab refreshed while this one waited for the lock: its token will do.
        if (held.token !== stale.token && this.phase(held) === 'fresh') return held;
        const token = await this.backend.refreshToken(
          { token: held.token },
          { signal: this.lifetime.signal, idempotencyKey: idempotencyKey ?? this.refreshKeyFor(held.token) },
        );
        return this.adopt(token, 'refreshed', 'own');
      });
    } catch (error) {
      const failure = this.asBackendError(error);
      if (!this.disposed) this.emit({ type: 'refresh-failed', error: failure });
      throw failure;
    }
  }

  /**
   * Makes `token` the held one — always when it is this session's own answer (even if the backend's clock
   * stepped back), only when newer when it came from another tab; shares it, reschedules, emits.
   * Returns the held token.
   */
  private adopt(token: AuthToken, how: 'generated' | 'refreshed', source: 'own' | 'other-tab'): AuthToken {
    if (this.disposed) throw disposedError(); // a late answer after dispose is dropped
    const held = this.current;
    const fromOtherTab = source === 'other-tab';
    if (held && held.token === token.token) return held;
    if (fromOtherTab && held && !isOlderToken(held, token)) return held;
    if (!fromOtherTab) this.backendClockOffsetMs = Date.parse(token.issuedAt) - this.now();
    this.current = token;
    this.failedAutoRefreshes = 0;
    this.schedule(token);
    if (!fromOtherTab) this.post({ type: 'token', account: this.accountTag!, tpn: this.tpn, token });
    this.emit(how === 'generated' ? { type: 'generated', token } : { type: 'refreshed', token, fromOtherTab });
    return token;
  }

  private schedule(token: AuthToken): void {
    const expiresAt = Date.parse(token.expiresAt);
    this.expiryAlarm.set(expiresAt, () => this.emit({ type: 'expired', token }));
    if (!this.autoRefresh || this.phase(token) === 'over') return this.refreshAlarm.cancel();
    // Due at most once per token (never before half its life); a token that arrives already due (clock skew)
    // waits at least retryDelayMs after the last automatic refresh, so nothing refreshes in a tight loop.
    const dueAt = Math.max(refreshDueAt(token, this.refreshBeforeMs), this.lastAutoRefreshAt + this.retryDelayMs);
    this.refreshAlarm.set(dueAt, () => this.refreshAutomatically());
  }

  private refreshAutomatically(): void {
    this.lastAutoRefreshAt = this.now();
    const token = this.current;
    this.refresh().catch((error: BackendError) => {
      if (this.disposed || !token || this.current !== token || !RETRYABLE_CODES.has(error.code)) return;
      const backoff = Math.min(this.retryDelayMs * 2 ** this.failedAutoRefreshes++, TOKEN_RETRY_DELAY_MS.max);
      const retryAt = this.now() + Math.max(backoff, (error.retryAfter ?? 0) * 1000);
      // After grace the backend can only refuse: stop trying.
      if (retryAt < Date.parse(token.graceEndsAt)) this.refreshAlarm.set(retryAt, () => this.refreshAutomatically());
    });
  }

  private receive(message: unknown): void {
    if (this.disposed || !isTabMessage(message) || message.account !== this.accountTag || message.tpn !== this.tpn) {
      return;
    }
    if (message.type === 'token-wanted') {
      const held = this.current;
      if (held && this.phase(held) !== 'over') {
        this.post({ type: 'token', account: message.account, tpn: this.tpn, token: held });
      }
    } else if (message.token.tpn === this.tpn && this.plausible(message.token)) {
      this.adopt(message.token, 'refreshed', 'other-tab');
    }
  }

  /** Another tab's token could have come from the backend: a contract lifetime, grace after expiry, not from the future. */
  private plausible(token: AuthToken): boolean {
    const issuedAt = Date.parse(token.issuedAt);
    const expiresAt = Date.parse(token.expiresAt);
    const graceEndsAt = Date.parse(token.graceEndsAt);
    return (
      expiresAt > issuedAt &&
      expiresAt - issuedAt <= EXPIRES_IN_MINUTES.max * 60_000 &&
      graceEndsAt >= expiresAt &&
      issuedAt <= this.now() + Math.max(0, this.backendClockOffsetMs) + MAX_FOREIGN_LEAD_MS &&
      this.phase(token) !== 'over'
    );
  }

  /** Runs `work` holding the tabs' refresh lock when Web Locks exist; `work` learns whether another tab held it first. */
  private async underLock<T>(work: (waited: boolean) => Promise<T>): Promise<T> {
    const locks = (globalThis as { navigator?: Navigator }).navigator?.locks;
    if (!locks || !this.lockName) return work(false);
    const name = this.lockName;
    const free = await locks.request(name, { ifAvailable: true }, async (lock) =>
      lock ? { result: await work(false) } : undefined,
    );
    if (free) return free.result;
    return await locks.request(name, { signal: this.lifetime.signal }, () => work(true));
  }

  /** Resolves once a token other than `stale` is held, after `ms` at the latest, or on dispose. */
  private tokenOtherThan(stale: AuthToken, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        globalThis.clearTimeout(timer);
        unsubscribe();
        this.lifetime.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = globalThis.setTimeout(done, ms);
      const unsubscribe = this.subscribe(() => {
        if (this.current !== stale) done();
      });
      this.lifetime.signal.addEventListener('abort', done, { once: true });
    });
  }

  /** One idempotency key per token refreshed, so a retry after a lost answer cannot refresh it twice. */
  private refreshKeyFor(token: string): string {
    if (this.refreshKey?.token !== token) this.refreshKey = { token, key: newIdempotencyKey() };
    return this.refreshKey.key;
  }

  private phase(token: AuthToken): TokenPhase {
    return tokenPhase(token, this.now(), this.refreshBeforeMs);
  }

  private post(message: TabMessage): void {
    this.channel?.postMessage(message);
  }

  private emit(event: TokenSessionEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error('TokenSession: a listener threw', error); // one faulty listener must not starve the others
      }
    }
  }

  private assertUsable(options: RequestOptions): void {
    if (this.disposed) throw disposedError();
    if (options.signal?.aborted) throw abortedWait();
  }

  private asBackendError(error: unknown): BackendError {
    if (this.disposed) return disposedError();
    if (error instanceof BackendError) return error;
    return new BackendError('network', 'The Auth Token request failed.', { cause: error });
  }
}

/** The default channel of an account's tokens for one TPN; the account appears only as a hash. */
export function tokenChannelName(account: string, tpn: string): string {
  return `ipos-credential-elements:token:${accountTag(account)}:${tpn}`;
}

function isTabMessage(data: unknown): data is TabMessage {
  if (typeof data !== 'object' || data === null) return false;
  const { type, token, account, tpn } = data as { type?: unknown; token?: unknown; account?: unknown; tpn?: unknown };
  if (typeof account !== 'string' || typeof tpn !== 'string') return false;
  return type === 'token-wanted' || (type === 'token' && authTokenGuard.safeParse(token).success);
}

function disposedError(): BackendError {
  return new BackendError('aborted', 'The token session was disposed.');
}

function abortedWait(): BackendError {
  return new BackendError('aborted', 'The wait for the Auth Token was aborted.');
}
